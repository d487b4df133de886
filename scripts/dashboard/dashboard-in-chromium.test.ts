/**
 * The web dashboard really works: built into a temporary directory, served by a real server at
 * /dashboard, opened in headless Chromium (Debian's package, driven by playwright-core). It signs in with
 * an API key, follows a project whose batches run while the page is open (its live progress must move),
 * draws its charts, requests nothing from another host, logs no error, and leaves screenshots in
 * reports/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { submitBatchInference, waitForInferenceJob } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { createProject } from '@computeplane/sdk/projects';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';
import { repoRoot } from '../lib/specs.js';
import { buildDashboard } from './build-dashboard.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`dashboard test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
const SHOTS = join(repoRoot, 'reports/screenshots');

describe.skipIf(!available)('web dashboard in headless Chromium', () => {
  let dir: string;
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-dashboard-'));
    await buildDashboard(dir);
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, {
      dashboardDir: dir,
      settings: { usage: { flushMs: 50 }, inference: { pollMs: 50, chunkSize: 8, stackedSliceBytes: 256 } },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs in, follows a running batch project live, and draws its charts, offline and without errors', async () => {
    const client = server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('regression.onnx') }));
    const project = await unwrap(
      createProject(client, { body: { name: 'Nightly batch', type: 'batch', total_tasks: 100 } }),
    );
    const batch = async (n: number) => {
      const inputs = Array.from({ length: n }, (_, i) => ({ data: [i, 1, 2], shape: [1, 3] }));
      const accepted = await unwrap(
        submitBatchInference(client, { body: { model_id: model.id, project_id: project.id, inputs } }),
      );
      await waitForInferenceJob(client, accepted.job_id, { intervalMs: 20, timeoutMs: 20_000 });
    };
    await batch(20);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.hostname !== '127.0.0.1' && !['data:', 'blob:'].includes(url.protocol)) foreign.push(request.url());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });

    await page.goto(`${server.baseUrl}/dashboard/`);
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(SHOTS, 'dashboard-sign-in.png') });
    await page.fill('#api-key', server.keyA);
    await page.click('#sign-in button[type=submit]');
    await page.getByRole('cell', { name: 'Nightly batch' }).waitFor({ timeout: 20_000 });
    const percent = async () => Number(await page.locator('#live-progress').getAttribute('data-percent'));
    await page.waitForFunction(() => document.querySelector('#live-progress')?.getAttribute('data-percent') === '20');
    expect(await page.evaluate(() => sessionStorage.getItem('computeplane.apiKey'))).toBe(server.keyA);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    // The batch goes on while the page is open: the live progress moves with it, over the SSE stream.
    await batch(30);
    await page.waitForFunction(
      () => document.querySelector('#live-progress')?.getAttribute('data-percent') === '50',
      undefined,
      {
        timeout: 20_000,
      },
    );
    expect(await percent()).toBe(50);
    // Charts drawn by uPlot (canvas), with data.
    await page.locator('#chart-throughput canvas').waitFor({ timeout: 20_000 });
    await page.locator('#chart-usage canvas').waitFor({ timeout: 20_000 });
    await expect(page.locator('#devices tbody tr').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-live.png'), fullPage: true });

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
