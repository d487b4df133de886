/**
 * `npm run codegen`: regenerates everything derived from openapi/ (SDK types and operations, the SDK's
 * package.json `exports`, the mock's typed overrides, the retryable GPU error types for the SDK and the
 * server, server routes, the server's copy of the bundled specs). `--check` writes nothing and fails when a committed
 * file differs from what the specs produce (CI's drift check).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { bundleAll, mergeAreas, repoRoot } from '../lib/specs.js';
import { readRetryableGpuErrorTypes, renderGpuErrors } from './gpu-errors.js';
import { renderMockTypedHttp } from './mock-typed-http.js';
import { unboundedRequestValues } from './request-bounds.js';
import { renderSdkOperations } from './sdk-operations.js';
import { renderSdkPackageJson } from './sdk-package-exports.js';
import { renderSdkTypes } from './sdk-types.js';
import { renderServerRoutes } from './server-routes.js';
import { renderServerSpecs } from './server-specs.js';

const check = process.argv.includes('--check');
const sdkPackageDir = join(repoRoot, 'packages/sdk');
const sdkDir = join(sdkPackageDir, 'src/generated');
const mockDir = join(repoRoot, 'packages/mock/src/generated');
const serverDir = join(repoRoot, 'packages/server/src/generated');

const docs = await bundleAll();
const unbounded = Object.entries(docs).flatMap(([area, doc]) =>
  unboundedRequestValues(doc).map((problem) => `  openapi/${area}.yaml ${problem}`),
);
if (unbounded.length) {
  console.error(
    `Request values without bounds (add minimum/maximum, or x-format-minimum/x-format-maximum):\n${unbounded.join('\n')}`,
  );
  process.exit(1);
}
const version = JSON.parse(readFileSync(join(repoRoot, 'packages/server/package.json'), 'utf8')).version as string;
const outputs = new Map<string, string>();
for (const [area, doc] of Object.entries(docs)) {
  outputs.set(join(sdkDir, `${area}.ts`), await renderSdkTypes(area, doc));
  outputs.set(join(sdkDir, `${area}.operations.ts`), renderSdkOperations(area, doc));
  outputs.set(join(serverDir, 'routes', `${area}.ts`), renderServerRoutes(area, doc));
}
const areas = Object.keys(docs);
const sdkPackageJson = join(sdkPackageDir, 'package.json');
outputs.set(sdkPackageJson, renderSdkPackageJson(readFileSync(sdkPackageJson, 'utf8'), areas, sdkPackageDir));
outputs.set(join(mockDir, 'typed-http.ts'), renderMockTypedHttp(areas));
const gpuErrors = renderGpuErrors(readRetryableGpuErrorTypes(repoRoot));
outputs.set(join(sdkDir, 'gpu-errors.ts'), gpuErrors);
outputs.set(join(serverDir, 'gpu-errors.ts'), gpuErrors);
mergeAreas(docs, version); // fails on a clash between areas, before anything is written
outputs.set(join(serverDir, 'specs.ts'), renderServerSpecs(docs));

// Generated files of areas that no longer exist are stale too.
const stale = [sdkDir, mockDir, join(serverDir, 'routes')]
  .filter(existsSync)
  .flatMap((dir) => readdirSync(dir).map((file) => join(dir, file)))
  .filter((file) => !outputs.has(file));

const changed = [...outputs].filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text);
if (check) {
  const problems = [...changed.map(([file]) => file), ...stale];
  if (problems.length) {
    console.error(
      `Generated code is out of date with openapi/ (run npm run codegen):\n${problems.map((f) => `  ${relative(repoRoot, f)}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`codegen: ${outputs.size} generated files match the specs`);
} else {
  for (const [file, text] of changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  for (const file of stale) rmSync(file);
  console.log(
    `codegen: ${changed.length} written, ${stale.length} removed, ${outputs.size - changed.length} unchanged`,
  );
}
