/**
 * The hand-maintained specs under openapi/: which areas exist, and each one bundled into a single
 * self-contained document (external $refs pulled into `components`). Every generator reads specs
 * through here, so they all see exactly the same documents.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, createConfig } from '@redocly/openapi-core';
import type { OpenApiDocument } from '../../packages/server/src/platform/http/openapi-document.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const specsDir = join(repoRoot, 'openapi');

/** One definition of the document shape, shared with the server that serves these documents. */
export type { OpenApiDocument };

/** Area names, one per top-level YAML file in openapi/ (components/ holds shared parts only). */
export function listAreas(): string[] {
  return readdirSync(specsDir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.replace(/\.yaml$/, ''))
    .sort();
}

/** One area's spec with every external $ref bundled in; internal refs stay as `#/components/...`. */
export async function bundleArea(area: string): Promise<OpenApiDocument> {
  const config = await createConfig({});
  const result = await bundle({ ref: join(specsDir, `${area}.yaml`), config, dereference: false });
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`openapi/${area}.yaml: ${errors.map((problem) => problem.message).join('; ')}`);
  }
  return result.bundle.parsed as OpenApiDocument;
}

/** Every area bundled, keyed by area name. */
export async function bundleAll(): Promise<Record<string, OpenApiDocument>> {
  const entries = await Promise.all(listAreas().map(async (area) => [area, await bundleArea(area)] as const));
  return Object.fromEntries(entries);
}

export { mergeAreas } from '../../packages/server/src/platform/http/merge-specs.js';
