/**
 * Devices end to end: real `computeplane-worker` processes (packages/worker/dist) join a server over real
 * sockets: the built server process for joining, listing, live logs and going offline after SIGKILL; the
 * in-process test server for a run-inference task sent through the hub, compared with the server's engine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numbersOf } from '@computeplane/device-protocol';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import { getDevice, getDeviceLogs, listDevices } from '@computeplane/sdk/devices';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';

const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));
const HEARTBEAT_MS = 300;
const OFFLINE_AFTER_MS = 1500;

function startWorker(server: string, apiKey: string, name: string, cacheDir: string): ChildProcess {
  return spawn(process.execPath, [workerScript, '--server', server, '--name', name, '--cache-dir', cacheDir], {
    env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: apiKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function deviceNamed(client: Computeplane, name: string) {
  const { devices } = await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }));
  return devices.find((device) => device.name === name);
}

describe('two workers and the built server process', () => {
  let root: string;
  let server: ServerProcess;
  let client: Computeplane;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-devices-e2e-'));
    server = await startServerProcess({
      DATA_DIR: join(root, 'data'),
      DEVICE_HEARTBEAT_MS: String(HEARTBEAT_MS),
      DEVICE_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
      SHUTDOWN_GRACE_MS: '20000',
    });
    client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
    for (const name of ['worker-one', 'worker-two'])
      workers.push(startWorker(server.baseUrl, 'test-api-key', name, join(root, `cache-${name}`)));
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('both join and are idle with their capabilities; logs are pulled live; SIGKILL turns one offline in the grace', async () => {
    await expect
      .poll(
        async () => [
          (await deviceNamed(client, 'worker-one'))?.status,
          (await deviceNamed(client, 'worker-two'))?.status,
        ],
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toEqual(['idle', 'idle']);
    const one = (await deviceNamed(client, 'worker-one'))!;
    expect(one.kind).toBe('worker');
    expect(one.capabilities).toMatchObject({ sdk_type: 'nodejs', sdk_version: process.versions.node, max_tasks: 1 });
    expect(one.capabilities.execution_providers).toContain('cpu');
    expect(one.capabilities.cpu_cores).toBeGreaterThan(0);
    const { devices } = await unwrap(listDevices(client));
    expect(devices[0]).toMatchObject({ kind: 'builtin', status: 'idle' });

    const logs = await unwrap(getDeviceLogs(client, { params: { path: { id: one.id }, query: { timeout: 5000 } } }));
    expect(logs.device_id).toBe(one.id);
    expect(logs.entries.map((entry) => entry.message)).toContain(`connected as ${one.id}`);
    const onlyWarnings = await unwrap(
      getDeviceLogs(client, { params: { path: { id: one.id }, query: { level: 'warn' } } }),
    );
    expect(onlyWarnings.entries.every((entry) => entry.level === 'warn')).toBe(true);

    const two = (await deviceNamed(client, 'worker-two'))!;
    workers[1]!.kill('SIGKILL');
    const killedAt = Date.now();
    await expect
      .poll(async () => (await unwrap(getDevice(client, { params: { path: { id: two.id } } }))).status, {
        timeout: OFFLINE_AFTER_MS + 5000,
        interval: 100,
      })
      .toBe('offline');
    // The socket closing is seen at once; at worst the heartbeat grace runs out.
    expect(Date.now() - killedAt).toBeLessThan(OFFLINE_AFTER_MS + 2 * HEARTBEAT_MS + 1000);
    expect((await unwrap(getDevice(client, { params: { path: { id: one.id } } }))).status).toBe('idle');
  });

  it('SIGTERM closes the device sockets first (no wait for the 20 s grace); the worker reconnects to the restarted server', async () => {
    const before = (await deviceNamed(client, 'worker-one'))!;
    expect(before.status).toBe('idle');
    const started = Date.now();
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);

    // Same data and port: the worker's backoff finds it again, with its token, as the same device.
    server = await startServerProcess({
      DATA_DIR: join(root, 'data'),
      PORT: new URL(server.baseUrl).port,
      DEVICE_HEARTBEAT_MS: String(HEARTBEAT_MS),
      DEVICE_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
    });
    await expect
      .poll(async () => (await unwrap(getDevice(client, { params: { path: { id: before.id } } }))).status, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe('idle');
    expect(
      (await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }))).devices.filter(
        (d) => d.name === 'worker-one',
      ),
    ).toHaveLength(1);
  });
});

describe('a run-inference task through the hub', () => {
  let db: TestDatabase;
  let server: TestServer;
  let root: string;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-devices-hub-'));
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, {
      settings: { devices: { heartbeatIntervalMs: 300, offlineAfterMs: 1500 } },
    });
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await server?.close();
    await db?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('returns what the server engine returns, with the model fetched by checksum into the cache', async () => {
    const model = await unwrap(uploadModel(server.clientA, { model: fixturePath('tiny-mlp.onnx') }));
    const cacheDir = join(root, 'cache');
    worker = startWorker(server.baseUrl, server.keyA, 'hub-worker', cacheDir);
    await expect
      .poll(async () => (await deviceNamed(server.clientA, 'hub-worker'))?.status, { timeout: 30_000 })
      .toBe('idle');
    const device = (await deviceNamed(server.clientA, 'hub-worker'))!;
    const data = [5.1, 3.5, 1.4, 0.2, 6.7, 3.1, 4.4, 1.4];
    const local = await unwrap(
      runInference(server.clientA, { body: { model_id: model.id, input: { data, shape: [2, 4] } } }),
    );
    const expected = (local as { result: { data: number[]; shape: number[] } }).result;

    const outputs = await server.app.devices.runOnDevice(server.tenantA, device.id, {
      checksum: model.checksum,
      inputs: { input: { type: 'float32', dims: [2, 4], data } },
    });
    const output = Object.values(outputs)[0]!;
    expect(output.dims).toEqual(expected.shape);
    numbersOf(output.data).forEach((value, index) => expect(value).toBeCloseTo(expected.data[index]!, 6));
    expect(await readdir(cacheDir)).toEqual([`${model.checksum.slice('sha256:'.length)}.onnx`]);

    const after = await unwrap(getDevice(server.clientA, { params: { path: { id: device.id } } }));
    expect(after.metrics).toMatchObject({ tasks_completed: 1, tasks_failed: 0 });
    expect(after.metrics.avg_latency_ms).toBeGreaterThan(0);

    // Another tenant's device cannot be sent this tenant's task, and a checksum it lacks fails the task.
    await expect(
      server.app.devices.runOnDevice(server.tenantB, device.id, { checksum: model.checksum, inputs: {} }),
    ).rejects.toThrow(/not found/);
    await expect(
      server.app.devices.runOnDevice(server.tenantA, device.id, {
        checksum: `sha256:${'0'.repeat(64)}`,
        inputs: { input: { type: 'float32', dims: [2, 4], data } },
      }),
    ).rejects.toThrow(/device failed the task/);
    expect(
      (await unwrap(getDevice(server.clientA, { params: { path: { id: device.id } } }))).metrics.tasks_failed,
    ).toBe(1);
  });
});
