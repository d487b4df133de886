/**
 * The SDK's package.json `exports`: "." (the core), one entry per openapi/<area>.yaml
 * (`@computeplane/sdk/<area>`) and "./types/*" (the generated types), each with the
 * `@computeplane/source`, `types` and `import` conditions in that order. An area's entry is its
 * hand-written src/areas/<area>.ts (operations plus helpers) when there is one, else its generated
 * operations, so a new spec file needs no edit of package.json.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type Conditions = { '@computeplane/source': string; types: string; import: string };

const entry = (source: string): Conditions => {
  const built = source.replace(/^\.\/src\//, './dist/');
  return {
    '@computeplane/source': source,
    types: built.replace(/\.ts$/, '.d.ts'),
    import: built.replace(/\.ts$/, '.js'),
  };
};

/** The SDK entry file of an area, relative to the package. */
export function sdkAreaEntry(sdkPackageDir: string, area: string): string {
  const handWritten = `./src/areas/${area}.ts`;
  return existsSync(join(sdkPackageDir, handWritten)) ? handWritten : `./src/generated/${area}.operations.ts`;
}

/** package.json with its `exports` regenerated; every other field is kept as it is. */
export function renderSdkPackageJson(current: string, areas: string[], sdkPackageDir: string): string {
  const pkg = JSON.parse(current) as Record<string, unknown>;
  const exports: Record<string, Conditions> = { '.': entry('./src/index.ts') };
  for (const area of areas) exports[`./${area}`] = entry(sdkAreaEntry(sdkPackageDir, area));
  exports['./types/*'] = entry('./src/generated/*.ts');
  return `${JSON.stringify({ ...pkg, exports }, null, 2)}\n`;
}
