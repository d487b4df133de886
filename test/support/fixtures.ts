/** Paths of the committed fixture models (built by `npm run fixtures`, scripts/fixtures/) and datasets. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../fixtures/models');
export const fixturePath = (name: string) => join(fixturesDir, name);
export const fixtureBytes = (name: string) => new Uint8Array(readFileSync(fixturePath(name)));

/** The committed dataset files (fixtures/datasets): small CSV and JSONL samples, valid and broken. */
export const datasetFixturesDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../fixtures/datasets');
export const datasetFixturePath = (name: string) => join(datasetFixturesDir, name);
