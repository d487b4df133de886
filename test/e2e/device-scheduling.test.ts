/**
 * Scheduling end to end: two real `computeplane-worker` processes and the built server process over real
 * sockets. The server runs with INFERENCE_RUN_JOBS=false, so every slice of the batch runs on a device:
 * both devices take slices (their metrics say so), one is SIGKILLed mid-batch, and the job still completes
 * with every result exactly once and equal to the server's own in-process results.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import { getDevice, listDevices } from '@computeplane/sdk/devices';
import { getInferenceJob, runInference, submitBatchInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';

const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));
const ROWS = 1500;

function startWorker(server: string, name: string, cacheDir: string): ChildProcess {
  return spawn(process.execPath, [workerScript, '--server', server, '--name', name, '--cache-dir', cacheDir], {
    env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: 'test-api-key' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

describe('batch slices on two worker devices', { timeout: 120_000 }, () => {
  let root: string;
  let server: ServerProcess;
  let client: Computeplane;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-scheduling-e2e-'));
    server = await startServerProcess({
      DATA_DIR: join(root, 'data'),
      DEVICE_HEARTBEAT_MS: '300',
      DEVICE_OFFLINE_AFTER_MS: '1500',
      INFERENCE_RUN_JOBS: 'false',
      // Long leases: the killed device's slice must be given back when its socket closes, not when this ends.
      INFERENCE_LEASE_MS: '120000',
      // The smallest slices (16 rows): many of them, so the kill lands mid-batch.
      INFERENCE_STACKED_SLICE_BYTES: '64',
    });
    client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
    for (const name of ['sched-one', 'sched-two']) workers.push(startWorker(server.baseUrl, name, join(root, name)));
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('spreads the slices over both; SIGKILL of one mid-batch: the job completes, every result once and equal to in-process', async () => {
    const ids = async () => {
      const { devices } = await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }));
      return ['sched-one', 'sched-two'].map((name) => devices.find((d) => d.name === name && d.status === 'idle')?.id);
    };
    await expect.poll(async () => (await ids()).every(Boolean), { timeout: 30_000, interval: 200 }).toBe(true);
    const [one, two] = (await ids()) as [string, string];
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const rows = Array.from({ length: ROWS }, (_, i) => [i % 7, (i % 5) - 2, (i % 3) * 0.5, i / ROWS]);

    // The same rows in-process (a sync request runs in-process: no device is measured faster).
    const local = (await unwrap(
      runInference(client, { body: { model_id: model.id, input: { data: rows.flat(), shape: [ROWS, 4] } } }),
    )) as { result: { data: number[] }; device_id: string };
    expect(local.device_id).toMatch(/^local\//);

    const batch = await unwrap(
      submitBatchInference(client, {
        body: { model_id: model.id, inputs: rows.map((row) => ({ data: row, shape: [1, 4] })) },
      }),
    );
    const metrics = async (id: string) => (await unwrap(getDevice(client, { params: { path: { id } } }))).metrics;
    await expect
      .poll(async () => [(await metrics(one)).tasks_completed > 0, (await metrics(two)).tasks_completed > 0], {
        timeout: 60_000,
        interval: 50,
      })
      .toEqual([true, true]);
    // A device runs one slice after another: it reads busy while it does.
    await expect
      .poll(
        async () =>
          (await unwrap(listDevices(client, { params: { query: { status: 'busy', limit: 1000 } } }))).devices.some(
            (device) => device.id === one || device.id === two,
          ),
        { timeout: 10_000, interval: 20 },
      )
      .toBe(true);
    const before = await unwrap(getInferenceJob(client, { params: { path: { jobId: batch.job_id } } }));
    // Frozen first, so that it certainly holds a slice (its runner waits for the answer to a task it sent)
    // when it dies; SIGKILL then closes its socket.
    workers[1]!.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 500));
    workers[1]!.kill('SIGKILL');
    const killedAt = Date.now();
    expect(before.status).not.toBe('completed');

    await expect
      .poll(async () => (await unwrap(getInferenceJob(client, { params: { path: { jobId: batch.job_id } } }))).status, {
        timeout: 60_000,
        interval: 200,
      })
      .toBe('completed');
    // Well within the 120 s lease: the slice came back when the socket closed.
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    const job = await unwrap(
      getInferenceJob(client, {
        params: { path: { jobId: batch.job_id }, query: { results_limit: ROWS } },
      }),
    );
    expect(job.progress).toMatchObject({ total: ROWS, completed: ROWS, failed: 0, cancelled: 0 });
    expect(job.results.map((item) => item.index)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    job.results.forEach((item, i) => {
      expect(item.status).toBe('completed');
      const data = (item.result as { data: number[] }).data;
      data.forEach((value, j) => expect(value).toBeCloseTo(local.result.data[i * 3 + j]!, 6));
    });
    // Both did work; the survivor finished the rest after the kill.
    const [afterOne, afterTwo] = [await metrics(one), await metrics(two)];
    expect(afterOne.tasks_completed).toBeGreaterThan(0);
    expect(afterTwo.tasks_completed).toBeGreaterThan(0);
    // Every slice (at least 16 rows each) ran to completion on one of them.
    expect(afterOne.tasks_completed + afterTwo.tasks_completed).toBeGreaterThanOrEqual(Math.ceil(ROWS / 16));
    expect(afterOne.avg_latency_ms).toBeGreaterThan(0);
    // The task it held when it died counts as failed; its slice was run again by the survivor.
    expect(afterTwo.tasks_failed).toBeGreaterThanOrEqual(1);
    expect((await unwrap(getDevice(client, { params: { path: { id: two } } }))).status).toBe('offline');
  });
  it('runs per-item slices (items that do not stack) on a device, with the in-process results', async () => {
    const model = await unwrap(uploadModel(client, { model: fixturePath('multi-input.onnx') }));
    // One row and two rows alternately: the items do not stack, so the slices hold one object per task.
    const items = Array.from({ length: 12 }, (_, i) => {
      const rows = 1 + (i % 2);
      const values = (k: number) => Array.from({ length: rows * 2 }, (_, j) => (i + j * k) / 4);
      return { inputs: { a: { data: values(1), shape: [rows, 2] }, b: { data: values(3), shape: [rows, 2] } } };
    });
    const expected: unknown[] = [];
    for (const item of items)
      expected.push(
        ((await unwrap(runInference(client, { body: { model_id: model.id, ...item } }))) as { result: unknown }).result,
      );
    const batch = await unwrap(submitBatchInference(client, { body: { model_id: model.id, inputs: items } }));
    await expect
      .poll(async () => (await unwrap(getInferenceJob(client, { params: { path: { jobId: batch.job_id } } }))).status, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe('completed');
    const job = await unwrap(getInferenceJob(client, { params: { path: { jobId: batch.job_id } } }));
    expect(job.progress).toMatchObject({ total: items.length, completed: items.length, failed: 0 });
    const numbers = (value: unknown): number[] =>
      JSON.stringify(value)
        .match(/-?[\d.]+(e[-+]?\d+)?/g)!
        .map(Number);
    job.results.forEach((item, i) => {
      expect(Object.keys(item.result!)).toEqual(Object.keys(expected[i] as object));
      const got = numbers(item.result);
      const want = numbers(expected[i]);
      expect(got).toHaveLength(want.length);
      got.forEach((value, j) => expect(value).toBeCloseTo(want[j]!, 6));
    });
  });
});
