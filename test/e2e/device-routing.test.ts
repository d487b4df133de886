/**
 * Where inference runs, with real worker processes over real sockets on the test server: sync requests stay
 * in-process while that is faster (the device was measured through prefer_gpu requests first), prefer_gpu
 * goes to the device that reports a GPU, and a prefer_gpu batch is left to it (the CPU device and the
 * built-in engine take none of its slices). Another tenant's device takes none of this tenant's work.
 * `require_gpu` runs on the GPU device, and is refused with 503 NO_DEVICES for a tenant without one.
 * The "GPU" worker is the real runtime embedded in a child process with its capabilities overridden.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, unwrap, type Computeplane } from '@computeplane/sdk';
import { getDevice, listDevices } from '@computeplane/sdk/devices';
import { getInferenceJob, runInference, submitBatchInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';

const workerDist = fileURLToPath(new URL('../../packages/worker/dist/', import.meta.url));

async function startWorker(
  server: string,
  apiKey: string,
  name: string,
  cacheDir: string,
  gpu = false,
): Promise<ChildProcess> {
  const args = ['--server', server, '--name', name, '--cache-dir', cacheDir];
  const env = { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: apiKey };
  if (!gpu) return spawn(process.execPath, [join(workerDist, 'main.js'), ...args], { env, stdio: 'ignore' });
  const script = `import { parseOptions, startDeviceWorker } from ${JSON.stringify(join(workerDist, 'index.js'))};
    await startDeviceWorker(parseOptions(${JSON.stringify(args)}, process.env), undefined,
      { capabilities: { gpu: { name: 'Test GPU', memory_bytes: 1073741824 } } });`;
  // A file, not `-e`: worker threads inherit `--input-type`, which they refuse.
  const file = join(cacheDir, '..', `${name}.mjs`);
  await writeFile(file, script);
  return spawn(process.execPath, [file], { env, stdio: 'ignore' });
}

async function deviceId(client: Computeplane, name: string) {
  const { devices } = await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }));
  return devices.find((device) => device.name === name && device.status === 'idle')?.id;
}

describe('routing inference between the built-in engine and devices', () => {
  let db: TestDatabase;
  let server: TestServer;
  let root: string;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-routing-'));
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, {
      settings: { devices: { heartbeatIntervalMs: 300, offlineAfterMs: 1500 } },
    });
    workers.push(await startWorker(server.baseUrl, server.keyA, 'cpu-device', join(root, 'cpu')));
    workers.push(await startWorker(server.baseUrl, server.keyA, 'gpu-device', join(root, 'gpu'), true));
    workers.push(await startWorker(server.baseUrl, server.keyB, 'other-tenant', join(root, 'other')));
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await server?.close();
    await db?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('sync: in-process while faster, prefer_gpu on the GPU device; a prefer_gpu batch runs on the GPU device only', async () => {
    const client = server.clientA;
    await expect
      .poll(
        async () =>
          Boolean(
            (await deviceId(client, 'cpu-device')) &&
            (await deviceId(client, 'gpu-device')) &&
            (await deviceId(server.clientB, 'other-tenant')),
          ),
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    const cpu = (await deviceId(client, 'cpu-device'))!;
    const gpu = (await deviceId(client, 'gpu-device'))!;
    const other = (await deviceId(server.clientB, 'other-tenant'))!;
    const metrics = async (c: Computeplane, id: string) =>
      (await unwrap(getDevice(c, { params: { path: { id } } }))).metrics;
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const input = { data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.1, 4.4, 1.4], shape: [2, 4] };
    const run = async (preferGpu: boolean) =>
      (await unwrap(
        runInference(client, { body: { model_id: model.id, input, options: { prefer_gpu: preferGpu } } }),
      )) as { result: { data: number[] }; device_id: string };

    const local = await run(false);
    expect(local.device_id).toMatch(/^local\//);
    // prefer_gpu: the GPU device runs it (and is measured); the answer is the in-process one.
    for (let i = 0; i < 5; i++) {
      const onGpu = await run(true);
      expect(onGpu.device_id).toBe(gpu);
      onGpu.result.data.forEach((value, j) => expect(value).toBeCloseTo(local.result.data[j]!, 6));
    }
    // Without the preference, in-process stays: a socket round trip is slower than the engine for this model.
    for (let i = 0; i < 10; i++) expect((await run(false)).device_id).toMatch(/^local\//);
    expect((await metrics(client, gpu)).tasks_completed).toBe(5);
    expect((await metrics(client, cpu)).tasks_completed).toBe(0);

    const rows = 200;
    const batch = await unwrap(
      submitBatchInference(client, {
        body: {
          model_id: model.id,
          stacked_input: { data: Array.from({ length: rows * 4 }, (_, i) => (i % 9) / 3), shape: [rows, 4] },
          options: { prefer_gpu: true },
        },
      }),
    );
    await expect
      .poll(async () => (await unwrap(getInferenceJob(client, { params: { path: { jobId: batch.job_id } } }))).status, {
        timeout: 60_000,
        interval: 100,
      })
      .toBe('completed');
    const job = await unwrap(getInferenceJob(client, { params: { path: { jobId: batch.job_id } } }));
    expect(job.progress).toMatchObject({ completed: rows, failed: 0 });
    expect((await metrics(client, gpu)).tasks_completed).toBeGreaterThan(5);
    expect((await metrics(client, cpu)).tasks_completed).toBe(0);
    expect((await metrics(server.clientB, other)).tasks_completed).toBe(0);

    // require_gpu is a requirement: the GPU device runs it; a tenant without one gets 503 NO_DEVICES.
    const required = (await unwrap(
      runInference(client, { body: { model_id: model.id, input, options: { require_gpu: true } } }),
    )) as { device_id: string };
    expect(required.device_id).toBe(gpu);
    const modelB = await unwrap(uploadModel(server.clientB, { model: fixturePath('tiny-mlp.onnx') }));
    const sync = await runInference(server.clientB, {
      body: { model_id: modelB.id, input, options: { require_gpu: true } },
    });
    expect(sync.error).toBeInstanceOf(ApiError);
    expect(sync.error).toMatchObject({
      status: 503,
      code: 'NO_DEVICES',
      message: expect.stringMatching(/require_gpu/),
    });
    const queued = await submitBatchInference(server.clientB, {
      body: { model_id: modelB.id, inputs: [input], options: { require_gpu: true } },
    });
    expect(queued.error).toMatchObject({ status: 503, code: 'NO_DEVICES' });
    // Without the requirement the same work runs (in-process or on the CPU device).
    expect((await runInference(server.clientB, { body: { model_id: modelB.id, input } })).error).toBeUndefined();
  });
});
