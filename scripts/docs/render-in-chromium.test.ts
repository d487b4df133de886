/**
 * The docs site really renders: built into a temporary directory, served by the server's /docs routes
 * over a real socket, opened in headless Chromium (Debian's package, driven by playwright-core). The
 * page must show the operations and must not request anything from another host.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDocsRoutes } from '../../packages/server/src/platform/docs/serve-docs.js';
import { repoRoot } from '../lib/specs.js';
import { buildSite } from './build-site.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available)
  console.warn(`docs render test skipped: no Chromium at ${CHROMIUM} (CI installs Debian's chromium package)`);

/** Every operation summary in the models spec, read from its source. */
async function modelsSummaries(): Promise<string[]> {
  const spec = parse(await readFile(join(repoRoot, 'openapi/models.yaml'), 'utf8')) as {
    paths: Record<string, Record<string, { summary?: string }>>;
  };
  return Object.values(spec.paths).flatMap((item) =>
    Object.values(item).flatMap((op) => (typeof op === 'object' && op?.summary ? [op.summary] : [])),
  );
}

describe.skipIf(!available)(
  `docs site in headless Chromium${available ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`,
  () => {
    let dir: string;
    let server: ServerType;
    let baseUrl: string;
    let browser: Browser;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cp-site-'));
      await buildSite(dir);
      const app = new Hono().route('/docs', createDocsRoutes(dir));
      server = await new Promise<ServerType>((resolve) => {
        const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
      });
      const address = server.address();
      baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      });
    });
    afterAll(async () => {
      await browser?.close();
      server?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('renders the models reference with its operations, offline', async () => {
      const page = await browser.newPage();
      const foreign: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['data:', 'blob:'].includes(url.protocol))
          foreign.push(request.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        // CSP refusals and failed loads (a 404 for a favicon or asset) show up only here.
        if (/Content Security Policy|Failed to load resource/i.test(message.text()))
          errors.push(`${message.text()} (${message.location().url})`);
      });
      const summaries = await modelsSummaries();
      expect(summaries).toContain('Upload a model');

      await page.goto(`${baseUrl}/docs/models.html`);
      await page.getByRole('heading', { name: 'Upload a model' }).waitFor({ state: 'visible', timeout: 30_000 });
      const text = await page.locator('#redoc').innerText();
      for (const summary of summaries) expect(text).toContain(summary);
      expect(
        await page.evaluate(() => getComputedStyle(document.querySelector('#redoc .api-content p')!).fontFamily),
      ).toMatch(/system-ui/);
      expect(foreign).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('reaches an area page from the index served at /docs', async () => {
      const page = await browser.newPage();
      const response = await page.goto(`${baseUrl}/docs`);
      expect(response?.status()).toBe(200);
      await page.locator('a[href="models.html"]').click();
      await page.waitForURL(`${baseUrl}/docs/models.html`);
      await page.getByRole('heading', { name: 'Upload a model' }).waitFor({ state: 'visible', timeout: 30_000 });
      await page.close();
    });
  },
);
