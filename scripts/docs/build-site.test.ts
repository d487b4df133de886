/** The docs site build: one self-contained page per area, nothing from other hosts. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleArea, listAreas, repoRoot } from '../lib/specs.js';
import { buildSite } from './build-site.js';
import { inlineJson } from './render-page.js';

let dir: string;
let built: { areas: string[] };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-site-'));
  built = await buildSite(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const SPEC_SCRIPT = /<script id="openapi-spec" type="application\/json">([\s\S]*?)<\/script>/;
/** Any absolute http(s) URL whose host is not this machine. */
const FOREIGN_URL = /https?:\/\/(?!(?:localhost|127\.0\.0\.1)(?:[:/]|$))[^\s"'<>)]+/gi;

/** operationIds straight from the area's source YAML, independent of the bundler. */
async function sourceOperationIds(area: string): Promise<string[]> {
  const source = parse(await readFile(join(repoRoot, 'openapi', `${area}.yaml`), 'utf8')) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
  };
  return Object.values(source.paths).flatMap((item) =>
    Object.values(item).flatMap((op) => (typeof op === 'object' && op?.operationId ? [op.operationId] : [])),
  );
}

describe('docs site', () => {
  it('builds every area', () => {
    expect(built.areas).toEqual(listAreas());
    expect(built.areas.length).toBeGreaterThan(0);
  });

  it.each(listAreas())('%s page inlines the whole spec and loads only local files', async (area) => {
    const html = await readFile(join(dir, `${area}.html`), 'utf8');
    const match = html.match(SPEC_SCRIPT);
    expect(match, 'inlined spec script').not.toBeNull();
    const spec = JSON.parse(match![1]!) as { paths: Record<string, Record<string, { operationId?: string }>> };
    expect(spec).toEqual(await bundleArea(area));
    const inlinedIds = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    const ids = await sourceOperationIds(area);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(inlinedIds).toContain(id);

    const outsideSpec = html.replace(SPEC_SCRIPT, '');
    expect(outsideSpec.match(FOREIGN_URL) ?? []).toEqual([]);
    expect(outsideSpec).not.toMatch(/(?:src|href)\s*=\s*["']?\/\//i);
    expect(outsideSpec).toContain('<script src="assets/redoc.standalone.js"></script>');
    // Redoc fetches Google fonts unless the theme names a font family.
    const options = outsideSpec.match(/Redoc\.init\(.*?, (\{.*\}), document\.getElementById\('redoc'\)\)/)?.[1];
    expect(options, 'Redoc.init options').toBeDefined();
    expect(JSON.parse(options!).theme.typography.fontFamily).toMatch(/^system-ui/);

    const json = JSON.parse(await readFile(join(dir, 'openapi', `${area}.json`), 'utf8'));
    expect(json).toEqual(spec);
  });

  it('lists every area on the index with its title and operation count', async () => {
    const index = await readFile(join(dir, 'index.html'), 'utf8');
    expect(index.match(FOREIGN_URL) ?? []).toEqual([]);
    for (const area of listAreas()) {
      const spec = await bundleArea(area);
      const count = (await sourceOperationIds(area)).length;
      const entry = index.match(
        new RegExp(`<li><a href="${area}\\.html">([^<]*)</a> <span class="count">(\\d+) operations</span>`),
      );
      expect(entry, `index entry for ${area}`).not.toBeNull();
      expect(entry![1]).toBe(spec.info.title);
      expect(Number(entry![2])).toBe(count);
    }
  });

  it('ships the Redoc bundle without its CDN logo', async () => {
    const asset = join(dir, 'assets/redoc.standalone.js');
    expect(existsSync(asset)).toBe(true);
    expect((await stat(asset)).size).toBeGreaterThan(100_000);
    const code = await readFile(asset, 'utf8');
    expect(code).not.toContain('cdn.redoc.ly');
    expect(code).not.toContain('fonts.googleapis.com');
  });

  it('cannot be broken out of its script element by spec text', () => {
    const json = inlineJson({ description: '</script><script>alert(1)</script><!--' });
    expect(json).not.toContain('</script>');
    expect(json).not.toContain('<!--');
    expect(JSON.parse(json)).toEqual({ description: '</script><script>alert(1)</script><!--' });
  });
});
