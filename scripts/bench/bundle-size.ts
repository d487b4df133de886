/**
 * Bundle-size budget for the SDK: what an application ships when it uses `createClient` plus one models
 * call, minified and gzipped by esbuild, against openapi-fetch alone (the floor: the runtime we build on).
 * Prints both sizes and their ratio; exits 1 when the SDK bundle is over its budget.
 *
 *   npm run bench:bundle            # print and check
 *   npm run bench:bundle -- --json  # machine-readable
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../lib/specs.js';

/** Budget for createClient + getModel, gzipped. Raise it only with a reason in the commit message. */
export const BUDGET_GZIP_BYTES = 6 * 1024;

const entries = {
  'openapi-fetch alone': `import createClient from 'openapi-fetch';
const api = createClient({ baseUrl: 'http://localhost:8080' });
export const run = () => api.GET('/api/v1/models/{id}', { params: { path: { id: 'model_x' } } });`,
  'sdk: createClient + getModel': `import { createClient } from '@computeplane/sdk';
import { getModel } from '@computeplane/sdk/models';
const client = createClient({ apiKey: 'k' });
export const run = () => getModel(client, { params: { path: { id: 'model_x' } } });`,
  'sdk: + uploadModel + unwrap + errors': `import { createClient, unwrap, NotFoundError } from '@computeplane/sdk';
import { getModel, uploadModel } from '@computeplane/sdk/models';
const client = createClient({ apiKey: 'k' });
export const run = async (file) => { try { return await unwrap(uploadModel(client, { model: file })); } catch (e) { if (e instanceof NotFoundError) return getModel(client, { params: { path: { id: 'model_x' } } }); throw e; } };`,
};

/** Bundles an application entry as a browser app would ship it (ESM, workspace sources, Node's fs left out). */
export async function bundle(contents: string, { minify = true } = {}): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents, resolveDir: repoRoot, loader: 'ts' },
    bundle: true,
    minify,
    format: 'esm',
    platform: 'browser',
    external: ['node:fs'],
    conditions: ['@computeplane/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

export async function measure(contents: string) {
  const code = await bundle(contents);
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

async function main() {
  const sizes: Record<string, { minified: number; gzip: number }> = {};
  for (const [name, contents] of Object.entries(entries)) sizes[name] = await measure(contents);
  const baseline = sizes['openapi-fetch alone']!;
  const sdk = sizes['sdk: createClient + getModel']!;
  if (process.argv.includes('--json')) console.log(JSON.stringify({ sizes, budget: BUDGET_GZIP_BYTES }));
  else {
    for (const [name, size] of Object.entries(sizes)) {
      console.log(
        `${name.padEnd(40)} ${String(size.minified).padStart(7)} B min  ${String(size.gzip).padStart(6)} B gzip  ${(size.gzip / baseline.gzip).toFixed(2)}x baseline`,
      );
    }
    console.log(
      `budget: createClient + getModel <= ${BUDGET_GZIP_BYTES} B gzip (${sdk.gzip <= BUDGET_GZIP_BYTES ? 'ok' : 'OVER'})`,
    );
  }
  if (sdk.gzip > BUDGET_GZIP_BYTES) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
