/**
 * Every spec file is one SDK entry point: package.json exports `./<area>` for each openapi/<area>.yaml,
 * and that entry exports every operation the spec declares (e.g. listCompatibleTemplates from
 * `@computeplane/sdk/offers`, getCosts from `@computeplane/sdk/sessions`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const sdkDir = fileURLToPath(new URL('..', import.meta.url));
const specsDir = fileURLToPath(new URL('../../../openapi/', import.meta.url));
const areas = readdirSync(specsDir)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.replace(/\.yaml$/, ''))
  .sort();
const exportsMap = JSON.parse(readFileSync(`${sdkDir}/package.json`, 'utf8')).exports as Record<
  string,
  Record<string, string>
>;

const operationIds = (area: string): string[] => {
  const spec = parse(readFileSync(`${specsDir}/${area}.yaml`, 'utf8')) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
  };
  return Object.values(spec.paths).flatMap((item) =>
    Object.values(item).flatMap((op) => (op && typeof op === 'object' && op.operationId ? [op.operationId] : [])),
  );
};

describe('SDK entry points', () => {
  it('package.json exports ".", one entry per spec file and "./types/*"', () => {
    expect(Object.keys(exportsMap)).toEqual(['.', ...areas.map((area) => `./${area}`), './types/*']);
    for (const conditions of Object.values(exportsMap))
      expect(Object.keys(conditions)).toEqual(['@computeplane/source', 'types', 'import']);
  });

  it.each(areas)('@computeplane/sdk/%s exports every operation its spec file declares', async (area) => {
    const entry = (await import(
      `${sdkDir}/${exportsMap[`./${area}`]!['@computeplane/source']!.replace(/^\.\//, '')}`
    )) as Record<string, unknown>;
    const missing = operationIds(area).filter((id) => typeof entry[id] !== 'function');
    expect(missing).toEqual([]);
  });

  it('keeps the internals out of the package root', async () => {
    const root = (await import('./index.js')) as Record<string, unknown>;
    for (const name of ['send', 'areaClient', 'retryingFetch', 'sleep']) expect(root[name]).toBeUndefined();
    expect(typeof root['createClient']).toBe('function');
    expect(root['RETRYABLE_GPU_ERROR_TYPES']).toContain('stale_inventory');
  });
});
