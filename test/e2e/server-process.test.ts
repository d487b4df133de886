/**
 * The server as operators run it: `node packages/server/dist/main.js` over a real socket, on the
 * embedded default and on PostgreSQL. Data survives restarts; SIGTERM finishes in-flight requests.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap } from '@computeplane/sdk';
import { getDetailedHealth, getHealth } from '@computeplane/sdk/health';
import { runInference } from '@computeplane/sdk/inference';
import { getModel, uploadModel } from '@computeplane/sdk/models';
import { createPostgresDatabase, refuseModelsNamed } from '@computeplane/test-support/databases';
import { fixtureBytes, fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess } from '@computeplane/test-support/server-process';
import { largeOnnxModel } from '../../scripts/bench/large-model.js';

describe('embedded default (PGlite under DATA_DIR)', () => {
  let root: string;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = root = await mkdtemp(join(tmpdir(), 'cp-e2e-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('seeds the development key, keeps data across a restart, and drains on SIGTERM', async () => {
    // As on a fresh checkout, the data directory does not exist yet.
    dataDir = join(dataDir, 'fresh', 'data');
    const first = await startServerProcess({ DATA_DIR: dataDir });
    expect(first.logs.some((entry) => entry.api_key === 'test-api-key' && entry.level === 40)).toBe(true);
    const client = createClient({ baseUrl: first.baseUrl, apiKey: 'test-api-key' });
    expect((await unwrap(getHealth(client))).status).toBe('healthy');
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx'), name: 'survivor' }));
    const token = await readFile(join(dataDir, 'internal_token'), 'utf8');

    // An upload whose body is still arriving when SIGTERM lands must still complete.
    const bytes = fixtureBytes('regression.onnx');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowBody = new ReadableStream<Uint8Array>({
      async pull(controller) {
        controller.enqueue(bytes.subarray(0, 64));
        await gate;
        controller.enqueue(bytes.subarray(64));
        controller.close();
      },
    });
    const form = new FormData();
    form.set('name', 'in-flight');
    const boundary = 'cpboundary';
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nin-flight\r\n--${boundary}\r\nContent-Disposition: form-data; name="model"; filename="r.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
    const reader = slowBody.getReader();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      async pull(controller) {
        const next = await reader.read();
        if (next.done) {
          controller.enqueue(tail);
          controller.close();
        } else controller.enqueue(next.value);
      },
    });
    const inFlight = fetch(`${first.baseUrl}/api/v1/models`, {
      method: 'POST',
      headers: { 'X-API-Key': 'test-api-key', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 300));
    first.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    const response = await inFlight;
    expect(response.status).toBe(201);
    const drainedModel = (await response.json()) as { id: string };
    expect(await first.exited).toBe(0);
    expect(first.logs.some((entry) => entry.msg === 'shutdown complete')).toBe(true);

    const second = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const again = createClient({ baseUrl: second.baseUrl, apiKey: 'test-api-key' });
      expect(await unwrap(getModel(again, { params: { path: { id: model.id } } }))).toEqual(model);
      expect((await unwrap(getModel(again, { params: { path: { id: drainedModel.id } } }))).name).toBe('in-flight');
      expect(second.logs.some((entry) => entry.api_key === 'test-api-key')).toBe(false);
      expect(await readFile(join(dataDir, 'internal_token'), 'utf8')).toBe(token);
      const health = await unwrap(getDetailedHealth(again));
      expect(health.services).toMatchObject({
        database: { driver: 'pglite' },
        model_store: { models: 2 },
        storage: { files: 2 },
      });
      const docs = await fetch(`${second.baseUrl}/docs/`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('models');
      const dashboard = await fetch(`${second.baseUrl}/dashboard/`);
      expect(dashboard.status).toBe(200);
      expect(dashboard.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await dashboard.text()).toContain('Computeplane dashboard');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('refuses bad configuration with a message naming the variable', async () => {
    const failed = startServerProcess({ DATA_DIR: dataDir, PORT: 'eighty' });
    await expect(failed).rejects.toThrow(/PORT must be an integer/);
  });

  it('says in one line which port is in use when it cannot listen', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const busy: Record<string, string>[] = [
        { METRICS_PORT: String(port) },
        { PORT: String(port), HOST: '127.0.0.1' },
      ];
      for (const env of busy) {
        const failed = startServerProcess({ DATA_DIR: dataDir, METRICS_PORT: '0', ...env });
        await expect(failed).rejects.toThrow(/cannot start: .*EADDRINUSE.*set (METRICS_PORT|PORT)/);
        await expect(failed).rejects.not.toThrow(/\n\s+at /); // no stack trace
      }
    } finally {
      taken.close();
    }
  });
});

describe('PostgreSQL (DATABASE_URL)', () => {
  it('runs the same code on PostgreSQL, two replicas sharing one database', async () => {
    const { url, drop } = await createPostgresDatabase();
    const dataA = await mkdtemp(join(tmpdir(), 'cp-e2e-a-'));
    const dataB = await mkdtemp(join(tmpdir(), 'cp-e2e-b-'));
    const [a, b] = await Promise.all([
      startServerProcess({ DATA_DIR: dataA, DATABASE_URL: url, ADMIN_KEY: 'e2e-admin-key-0123456789' }),
      startServerProcess({ DATA_DIR: dataB, DATABASE_URL: url, ADMIN_KEY: 'e2e-admin-key-0123456789' }),
    ]);
    try {
      expect(a.logs.some((entry) => entry.api_key === 'test-api-key')).toBe(false);
      const admin = createClient({ baseUrl: a.baseUrl, adminKey: 'e2e-admin-key-0123456789' });
      const { createApiKey, createTenant } = await import('@computeplane/sdk/admin');
      const tenant = await unwrap(createTenant(admin, { body: { name: 'e2e' } }));
      const { key } = await unwrap(createApiKey(admin, { body: { tenant_id: tenant.id } }));
      const viaB = createClient({ baseUrl: b.baseUrl, apiKey: key });
      const health = await unwrap(getDetailedHealth(viaB));
      expect(health.services.database).toMatchObject({ status: 'healthy', driver: 'postgres' });
      const model = await unwrap(
        uploadModel(createClient({ baseUrl: a.baseUrl, apiKey: key }), { model: fixturePath('tiny-mlp.onnx') }),
      );
      expect((await unwrap(getModel(viaB, { params: { path: { id: model.id } } }))).checksum).toBe(model.checksum);
      // Stored in the database in parts by A, loaded by B's engine.
      const ran = await unwrap(
        runInference(viaB, { body: { model_id: model.id, input: { data: [0.1, 0.2, 0.3, 0.4], shape: [1, 4] } } }),
      );
      expect(ran.status).toBe('completed');

      // An upload whose record cannot be saved (the database refuses it) leaves no file in the database.
      const direct = postgres(url, { max: 1, onnotice: () => undefined });
      await refuseModelsNamed((statement) => direct.unsafe(statement), 'refused').finally(() => direct.end());
      const files = (await unwrap(getDetailedHealth(viaB))).services.storage;
      const refused = await uploadModel(createClient({ baseUrl: a.baseUrl, apiKey: key }), {
        model: largeOnnxModel(4 * 1301),
        name: 'refused',
      });
      expect(refused.response?.status).toBe(500);
      expect((await unwrap(getDetailedHealth(viaB))).services.storage).toEqual(files);
    } finally {
      expect(await a.stop()).toBe(0);
      expect(await b.stop()).toBe(0);
      await drop();
      await rm(dataA, { recursive: true, force: true });
      await rm(dataB, { recursive: true, force: true });
    }
  });
});
