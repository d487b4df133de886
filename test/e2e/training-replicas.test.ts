/**
 * Training with two replicas on one PostgreSQL (docs/compatibility.md, "Training on several replicas"): a
 * worker is connected to replica A only; a job submitted through replica B (whose runner is nudged at once)
 * is left to A, which trains it on its built-in device and the worker; B's built-in device never takes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import { createApiKey, createTenant } from '@computeplane/sdk/admin';
import { listDevices } from '@computeplane/sdk/devices';
import { uploadModel } from '@computeplane/sdk/models';
import { startTraining, waitForTraining } from '@computeplane/sdk/training';
import { createPostgresDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';

const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));
const admin = 'replicas-admin-key-0123456789';

describe('training on two replicas', () => {
  let root: string;
  let database: { url: string; drop(): Promise<void> };
  let servers: ServerProcess[] = [];
  let worker: ChildProcess | undefined;
  let key: string;
  const clientOf = (server: ServerProcess): Computeplane =>
    createClient({ baseUrl: server.baseUrl, apiKey: key, maxRetries: 0 });
  const devicesOn = async (server: ServerProcess) =>
    (await unwrap(listDevices(clientOf(server), { params: { query: { limit: 1000 } } }))).devices;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-training-replicas-'));
    database = await createPostgresDatabase();
    servers = await Promise.all(
      ['a', 'b'].map((name) =>
        startServerProcess({ DATA_DIR: join(root, name), DATABASE_URL: database.url, ADMIN_KEY: admin }),
      ),
    );
    const adminClient = createClient({ baseUrl: servers[0]!.baseUrl, adminKey: admin });
    const tenant = await unwrap(createTenant(adminClient, { body: { name: 'replicas' } }));
    key = (await unwrap(createApiKey(adminClient, { body: { tenant_id: tenant.id } }))).key;
    worker = spawn(
      process.execPath,
      [workerScript, '--server', servers[0]!.baseUrl, '--name', 'on-a', '--cache-dir', join(root, 'cache')],
      { env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: key }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    while (!(await devicesOn(servers[1]!)).some((d) => d.name === 'on-a' && d.status === 'idle'))
      await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.stop()));
    await database?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it("a job submitted on B trains on A, where the tenant's device is", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const onA = (await devicesOn(a)).filter((d) => d.id.startsWith('local/') || d.name === 'on-a').map((d) => d.id);
    const builtinB = (await devicesOn(b)).find((d) => d.id.startsWith('local/'))!.id;
    expect(onA).toHaveLength(2);
    expect(onA).not.toContain(builtinB);
    const model = await unwrap(uploadModel(clientOf(b), { model: fixturePath('tiny-mlp.onnx') }));
    const { job_id } = await unwrap(
      startTraining(clientOf(b), {
        body: {
          model_id: model.id,
          data_config: { type: 'stream', total_samples: 1000, batch_size: 16 },
          training_config: { epochs: 3, learning_rate: 0.05, sync_mode: 'full_sync', local_steps: 3 },
        },
      }),
    );
    const assigned = new Set<string>();
    const done = await waitForTraining(clientOf(b), job_id, {
      intervalMs: 20,
      timeoutMs: 120_000,
      onProgress: (_, job) => job.assigned_devices.forEach((d) => assigned.add(d)),
    });
    expect(done.status).toBe('completed');
    expect([...assigned].sort()).toEqual([...onA].sort());
    const device = (await devicesOn(a)).find((d) => d.name === 'on-a')!;
    expect(device.metrics.tasks_completed).toBeGreaterThan(0);
  });
});
