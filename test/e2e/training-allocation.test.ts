/**
 * Allocation across jobs (docs/training.md, "Allocation"): one built server process with two
 * `computeplane-worker` processes, so three devices with the built-in one. A job alone takes all three;
 * a second job of half its weight (total_samples * epochs) arrives and gets one, drained from the first,
 * which keeps two (2:1); a third small job is admitted on a device drained in turn, and a fourth, with no
 * device left, stays queued with `estimated_devices` 0 until a job ends and frees one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import { listDevices } from '@computeplane/sdk/devices';
import { uploadModel } from '@computeplane/sdk/models';
import { cancelTraining, getTraining, startTraining } from '@computeplane/sdk/training';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';

const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('training devices shared among jobs by weight', () => {
  let root: string;
  let server: ServerProcess;
  let client: Computeplane;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-training-allocation-'));
    server = await startServerProcess({ DATA_DIR: join(root, 'data'), INFERENCE_POLL_MS: '50' });
    client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
    for (const name of ['share-one', 'share-two'])
      workers.push(
        spawn(
          process.execPath,
          [workerScript, '--server', server.baseUrl, '--name', name, '--cache-dir', join(root, name)],
          {
            env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: 'test-api-key' },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        ),
      );
    for (;;) {
      const { devices } = await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }));
      if (devices.filter((d) => d.name.startsWith('share-') && d.status !== 'offline').length === 2) break;
      await sleep(100);
    }
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('splits the devices 2:1 by weight, drains one for a new job, and queues a job with no device left', async () => {
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    // Long jobs (cancelled at the end): one batch per device per round, many rounds.
    const start = async (total_samples: number, epochs: number) =>
      unwrap(
        startTraining(client, {
          body: {
            model_id: model.id,
            data_config: { type: 'stream', total_samples, batch_size: 4 },
            training_config: { epochs, learning_rate: 0.01, sync_mode: 'async', local_steps: 1 },
          },
        }),
      );
    const get = (jobId: string) => unwrap(getTraining(client, { params: { path: { jobId } } }));
    const until = async (what: () => Promise<boolean>) => {
      while (!(await what())) await sleep(50);
    };

    const heavy = await start(4000, 100); // weight 400,000
    expect(heavy.estimated_devices).toBe(3);
    await until(async () => (await get(heavy.job_id)).assigned_devices.length === 3);

    const light = await start(2000, 100); // weight 200,000: half
    expect(light.estimated_devices).toBe(1);
    await until(async () => {
      const [a, b] = await Promise.all([get(heavy.job_id), get(light.job_id)]);
      return a.assigned_devices.length === 2 && b.assigned_devices.length === 1 && b.status === 'running';
    });
    const [a, b] = await Promise.all([get(heavy.job_id), get(light.job_id)]);
    expect(new Set([...a.assigned_devices, ...b.assigned_devices]).size).toBe(3);
    // Both train: their progress moves.
    await until(async () => (await get(light.job_id)).progress.batches_completed > 0);
    const heavyDone = (await get(heavy.job_id)).progress.batches_completed;
    await until(async () => (await get(heavy.job_id)).progress.batches_completed > heavyDone);

    const small = await start(500, 20); // weight 10,000: admitted, the heavy job gives up a second device
    expect(small.estimated_devices).toBe(1);
    await until(async () => (await get(small.job_id)).status !== 'queued');
    const waiting = await start(2000, 100); // no device left
    expect(waiting.estimated_devices).toBe(0);
    await sleep(500);
    expect((await get(waiting.job_id)).status).toBe('queued');
    expect((await get(waiting.job_id)).assigned_devices).toEqual([]);

    // Once the small job ends (or is cancelled), the waiting one gets its device.
    await unwrap(cancelTraining(client, { params: { path: { jobId: small.job_id } } }));
    await until(async () => (await get(waiting.job_id)).assigned_devices.length === 1);
    for (const job of [heavy, light, waiting])
      await unwrap(cancelTraining(client, { params: { path: { jobId: job.job_id } } }));
    for (const job of [heavy, light, waiting]) expect((await get(job.job_id)).assigned_devices).toEqual([]);
  });
});
