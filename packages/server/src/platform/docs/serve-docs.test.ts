/** /docs serves the built site's files, and nothing outside it. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../../../../scripts/docs/build-site.js';
import { repoRoot } from '../../../../../scripts/lib/specs.js';
import { createDocsRoutes, defaultSiteDir } from './serve-docs.js';

type ErrorJson = { error: { code: string; message: string; request_id: string } };

let root: string;
let site: string;
let app: Hono;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cp-docs-'));
  site = join(root, 'site');
  await buildSite(site);
  // Next to the site, where a traversal would land.
  await writeFile(join(root, 'secret.txt'), 'top secret');
  app = new Hono().route('/docs', createDocsRoutes(site));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('docs routes', () => {
  it('serves the index at /docs/, and at /docs with links that still resolve under /docs/', async () => {
    const index = await readFile(join(site, 'index.html'), 'utf8');
    const slash = await app.request('/docs/');
    expect(slash.status).toBe(200);
    expect(slash.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await slash.text()).toBe(index);

    const bare = await app.request('/docs');
    expect(bare.status).toBe(200);
    const html = await bare.text();
    const base = html.match(/<base href="([^"]+)">/)?.[1];
    expect(base).toBe('docs/');
    expect(html.replace(/\n<base href="[^"]+">/, '')).toBe(index);
    const link = html.match(/<a href="(models\.html)">/)![1]!;
    expect(new URL(link, new URL(base!, 'http://host/docs')).pathname).toBe('/docs/models.html');
  });

  it('serves area pages, the Redoc bundle and the JSON specs with their content types', async () => {
    const page = await app.request('/docs/models.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe(await readFile(join(site, 'models.html'), 'utf8'));

    const script = await app.request('/docs/assets/redoc.standalone.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.arrayBuffer()).byteLength).toBe(
      (await readFile(join(site, 'assets/redoc.standalone.js'))).byteLength,
    );

    const spec = await app.request('/docs/openapi/models.json');
    expect(spec.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await spec.json()) as { info: { title: string } }).info.title).toMatch(/Models/);
  });

  it('answers a JSON 404 for missing files', async () => {
    const response = await app.request('/docs/nope.html');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'No page at /docs/nope.html. Build it with npm run docs.',
        request_id: '',
      },
    });
  });

  it('puts the request id of the surrounding app into the 404', async () => {
    const withIds = new Hono<{ Variables: { requestId: string } }>();
    withIds.use('*', async (c, next) => {
      c.set('requestId', 'req_test_42');
      await next();
    });
    withIds.route('/docs', createDocsRoutes(site));
    const body = (await (await withIds.request('/docs/missing.js')).json()) as ErrorJson;
    expect(body.error.request_id).toBe('req_test_42');
  });

  it('never serves files outside the site', async () => {
    // `..` and `%2e%2e` segments are normalised by URL parsing to `/secret.txt`, outside these routes.
    for (const path of ['/docs/../secret.txt', '/docs/%2e%2e/secret.txt']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('top secret');
    }
    // An encoded slash survives URL parsing and reaches the handler as `../secret.txt`.
    const attempts = [
      '/docs/..%2fsecret.txt',
      '/docs/..%2F..%2Fsecret.txt',
      '/docs/assets%2f..%2f..%2fsecret.txt',
      '/docs/%2e%2e%2fsecret.txt',
      `/docs/${encodeURIComponent(join(root, 'secret.txt'))}`,
      '/docs/%E0%A4%A', // malformed escape
      '/docs/index.html%00.txt',
    ];
    for (const path of attempts) {
      const response = await app.request(path);
      expect(response.status, path).toBe(404);
      const body = (await response.json()) as ErrorJson;
      expect(body.error.code, path).toBe('NOT_FOUND');
      expect(body.error.message, path).toContain('npm run docs');
    }
  });

  it('works under another mount path', async () => {
    const nested = new Hono().route('/api/reference', createDocsRoutes(site));
    expect((await nested.request('/api/reference/health.html')).status).toBe(200);
    const bare = await (await nested.request('/api/reference')).text();
    expect(bare).toContain('<base href="reference/">');
  });

  it('says how to build the site when it has not been built', async () => {
    const missing = new Hono().route('/docs', createDocsRoutes(join(root, 'does-not-exist')));
    for (const path of ['/docs', '/docs/', '/docs/models.html']) {
      const response = await missing.request(path);
      expect(response.status, path).toBe(404);
      const body = (await response.json()) as ErrorJson;
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message).toContain('npm run docs');
    }
  });

  it('finds the repo site directory from its own location', () => {
    expect(defaultSiteDir()).toBe(join(repoRoot, 'site'));
  });
});
