/**
 * Training over real devices: two `computeplane-worker` processes join the built server process; a
 * full_sync job runs its rounds on the built-in device and both workers (each trains its shard of
 * `local_steps` batches through the run_train_step message), reaches the stated accuracy, and both workers
 * did train steps, and the power each worker reported in its heartbeats (a fake `nvidia-smi` on its PATH; the
 * server's own sources fail) is what the job's checkpoints record; semi_sync and async converge on them too. Killing one worker mid-job (SIGKILL) is
 * tolerated: the job completes without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import { listDevices } from '@computeplane/sdk/devices';
import { getJobEfficiency } from '@computeplane/sdk/efficiency';
import { uploadModel } from '@computeplane/sdk/models';
import { getTraining, startTraining, waitForTraining } from '@computeplane/sdk/training';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';
import { fakeNvidiaSmi, type FakeNvidiaSmi } from '../fakes/power-sources.js';

const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));

/** Each worker's power sources: a fake nvidia-smi reporting one 50 W GPU, no RAPL. */
function startWorker(server: string, name: string, cacheDir: string, smi: FakeNvidiaSmi): ChildProcess {
  return spawn(process.execPath, [workerScript, '--server', server, '--name', name, '--cache-dir', cacheDir], {
    env: { PATH: smi.path, COMPUTEPLANE_API_KEY: 'test-api-key', COMPUTEPLANE_POWERCAP_DIR: '/nonexistent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function workerDevices(client: Computeplane) {
  const { devices } = await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }));
  return devices.filter((d) => d.name.startsWith('trainer-') && d.status !== 'offline');
}

describe('training on two worker processes and the built-in device', () => {
  let root: string;
  let server: ServerProcess;
  let client: Computeplane;
  const workers: ChildProcess[] = [];
  const fakes: FakeNvidiaSmi[] = [];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-training-devices-'));
    const [workerSmi, serverSmi] = [await fakeNvidiaSmi(['50']), await fakeNvidiaSmi(null)];
    fakes.push(workerSmi, serverSmi);
    server = await startServerProcess({
      DATA_DIR: join(root, 'data'),
      PATH: serverSmi.path,
      COMPUTEPLANE_POWERCAP_DIR: '/nonexistent',
      DEVICE_HEARTBEAT_MS: '300',
    });
    client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
    for (const name of ['trainer-one', 'trainer-two'])
      workers.push(startWorker(server.baseUrl, name, join(root, name), workerSmi));
    while ((await workerDevices(client)).length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await server?.stop();
    await Promise.all(fakes.map((fake) => fake.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('a full_sync job trains on all three devices and reaches 85% held-out accuracy', async () => {
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const { job_id, estimated_devices } = await unwrap(
      startTraining(client, {
        body: {
          model_id: model.id,
          data_config: { type: 'stream', total_samples: 2000, batch_size: 32 },
          training_config: {
            epochs: 20,
            learning_rate: 0.05,
            sync_mode: 'full_sync',
            local_steps: 5,
            target_accuracy: 0.85,
          },
          resource_config: { min_devices: 3, sdk_types: ['nodejs'] },
        },
      }),
    );
    expect(estimated_devices).toBe(3);
    const assigned = new Set<string>();
    const done = await waitForTraining(client, job_id, {
      intervalMs: 20,
      timeoutMs: 120_000,
      onProgress: (_, job) => job.assigned_devices.forEach((d) => assigned.add(d)),
    });
    expect(done.status).toBe('completed');
    expect(done.progress.best_accuracy).toBeGreaterThanOrEqual(0.85);
    const devices = await workerDevices(client);
    for (const device of devices) {
      expect(assigned.has(device.id), `${device.name} was assigned`).toBe(true);
      expect(device.metrics.tasks_completed, `${device.name} ran train steps`).toBeGreaterThan(0);
    }
    // Heartbeats every 300 ms: both workers' 50 W are in long before the last checkpoint; the built-in
    // device's sources fail, so it adds nothing.
    const efficiency = await unwrap(getJobEfficiency(client, { params: { path: { jobId: job_id } } }));
    expect(efficiency.checkpoints.at(-1)!.power_watts).toBe(100);
    expect(efficiency.power_watts).toBeGreaterThan(0);
  });

  it('semi_sync and async also converge over the three devices (async with devices training on between pulls)', async () => {
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    for (const [sync_mode, sync_interval_ms] of [
      ['semi_sync', 0],
      ['async', 60_000],
    ] as const) {
      const { job_id } = await unwrap(
        startTraining(client, {
          body: {
            model_id: model.id,
            data_config: { type: 'stream', total_samples: 2000, batch_size: 32 },
            training_config: {
              epochs: 20,
              learning_rate: 0.05,
              sync_mode,
              sync_interval_ms,
              local_steps: 5,
              target_accuracy: 0.85,
            },
            resource_config: { min_devices: 3 },
          },
        }),
      );
      const done = await waitForTraining(client, job_id, { intervalMs: 50, timeoutMs: 120_000 });
      expect({ sync_mode, status: done.status }).toEqual({ sync_mode, status: 'completed' });
      expect(done.progress.best_accuracy).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('a worker killed mid-job is left out and the job completes on the others', async () => {
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const { job_id } = await unwrap(
      startTraining(client, {
        body: {
          model_id: model.id,
          data_config: { type: 'stream', total_samples: 3000, batch_size: 16 },
          training_config: { epochs: 4, learning_rate: 0.02, sync_mode: 'async', local_steps: 5 },
        },
      }),
    );
    const path = { params: { path: { jobId: job_id } } };
    let job = await unwrap(getTraining(client, path));
    while (job.assigned_devices.length < 3 || job.progress.batches_completed === 0)
      job = await unwrap(getTraining(client, path));
    workers[1]!.kill('SIGKILL');
    const done = await waitForTraining(client, job_id, { intervalMs: 50, timeoutMs: 120_000 });
    expect(done.status).toBe('completed');
    expect(done.progress.batches_completed).toBe(done.progress.total_batches);
  });
});
