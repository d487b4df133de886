/**
 * `npm run bench:training`: training jobs on the built server process (as `npm start` runs it) with the
 * built-in device alone, then with 1 and with 2 `computeplane-worker` processes joined (full_sync; each round
 * gives every device `local_steps` batches). For each: samples/s over a fixed job (no early stop) and the
 * time to a target held-out accuracy (the job stops there). Prints ratios against the built-in device alone
 * and 2 workers against 1, measured in the same run; then runs `bench:train-step` (derived graph vs a
 * hand-written step). Options (environment): TRAINING_SAMPLES (default 6000), TRAINING_EPOCHS (default 3).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, unwrap, type Computeplane } from '../../packages/sdk/src/index.js';
import { listDevices } from '../../packages/sdk/src/areas/devices.js';
import { uploadModel } from '../../packages/sdk/src/areas/models.js';
import { startTraining, waitForTraining } from '../../packages/sdk/src/areas/training.js';
import { startServerProcess } from '../../test/support/server-process.js';
import { fixturePath } from '../../test/support/fixtures.js';

const samples = Number(process.env.TRAINING_SAMPLES ?? 6000);
const epochs = Number(process.env.TRAINING_EPOCHS ?? 3);
const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));

async function job(client: Computeplane, modelId: string, devices: number, target?: number) {
  const started = performance.now();
  const { job_id } = await unwrap(
    startTraining(client, {
      body: {
        model_id: modelId,
        data_config: { type: 'stream', total_samples: samples, batch_size: 32, seed: 5 },
        training_config: {
          epochs: target === undefined ? epochs : 50,
          learning_rate: 0.05,
          sync_mode: 'full_sync',
          local_steps: 10,
          ...(target === undefined ? {} : { target_accuracy: target }),
        },
        resource_config: { min_devices: devices, max_devices: devices },
      },
    }),
  );
  const done = await waitForTraining(client, job_id, { intervalMs: 20, timeoutMs: 600_000 });
  if (done.status !== 'completed') throw new Error(`job ${job_id} ${done.status}: ${done.error}`);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, trained: done.progress.batches_completed * 32, accuracy: done.progress.best_accuracy ?? 0 };
}

const root = await mkdtemp(join(tmpdir(), 'cp-bench-training-'));
const server = await startServerProcess({ DATA_DIR: join(root, 'data') });
const client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key' });
const workers: ChildProcess[] = [];
try {
  const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
  const results: { devices: number; samplesPerSecond: number; timeToAccuracy: number }[] = [];
  for (const extra of [0, 1, 2]) {
    while (workers.length < extra) {
      const name = `bench-${workers.length}`;
      workers.push(
        spawn(
          process.execPath,
          [workerScript, '--server', server.baseUrl, '--name', name, '--cache-dir', join(root, name)],
          {
            env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: 'test-api-key' },
            stdio: 'ignore',
          },
        ),
      );
    }
    for (;;) {
      const { devices } = await unwrap(listDevices(client, { params: { query: { limit: 100 } } }));
      if (devices.filter((d) => d.status !== 'offline' && d.kind !== 'builtin').length >= extra) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const fixed = await job(client, model.id, extra + 1);
    const toAccuracy = await job(client, model.id, extra + 1, 0.9);
    results.push({
      devices: extra + 1,
      samplesPerSecond: fixed.trained / fixed.seconds,
      timeToAccuracy: toAccuracy.seconds,
    });
    console.log(
      `built-in + ${extra} worker(s): ${(fixed.trained / fixed.seconds).toFixed(0)} samples/s (${fixed.trained} samples in ${fixed.seconds.toFixed(2)} s); 90% held-out accuracy in ${toAccuracy.seconds.toFixed(2)} s (reached ${toAccuracy.accuracy.toFixed(3)})`,
    );
  }
  const [alone, one, two] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
  console.log(
    `samples/s ratio: 1 worker / built-in alone ${(one.samplesPerSecond / alone.samplesPerSecond).toFixed(2)}, 2 workers / built-in alone ${(two.samplesPerSecond / alone.samplesPerSecond).toFixed(2)}, 2 workers / 1 worker ${(two.samplesPerSecond / one.samplesPerSecond).toFixed(2)}`,
  );
  console.log(
    `time-to-accuracy ratio: 2 workers / 1 worker ${(two.timeToAccuracy / one.timeToAccuracy).toFixed(2)}, 2 workers / built-in alone ${(two.timeToAccuracy / alone.timeToAccuracy).toFixed(2)}`,
  );
} finally {
  for (const worker of workers) worker.kill('SIGKILL');
  await server.stop();
  await rm(root, { recursive: true, force: true });
}

console.log('\ntrain step: derived ONNX graph vs hand-written TypeScript');
spawnSync('npx', ['tsx', 'scripts/bench/train-step.ts'], {
  stdio: 'inherit',
  env: { ...process.env, TRAIN_STEP_ROUNDS: process.env.TRAIN_STEP_ROUNDS ?? '300' },
});
