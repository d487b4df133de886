/**
 * Contract: the training area through the SDK, against a real server (its runner trains on the built-in
 * device), on both database drivers. A small classifier learns the synthetic stream and an uploaded CSV
 * to a stated accuracy, and its result model answers inference at once.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { uploadDataset } from '@computeplane/sdk/datasets';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import {
  cancelTraining,
  getTraining,
  pauseTraining,
  resumeTraining,
  startTraining,
  waitForTraining,
  type TrainingJob,
} from '@computeplane/sdk/training';
import { testDrivers } from '@computeplane/test-support/databases';
import { datasetFixturePath, fixturePath } from '@computeplane/test-support/fixtures';
import { encodeModel, floatTensor, node } from '../../scripts/fixtures/onnx-graph.js';
import { conform, conformError, serverFor } from './harness.js';

/** A model with a Conv on its gradient path (no gradient rule for Conv). */
const convModel = () =>
  encodeModel({
    name: 'conv',
    inputs: [{ name: 'image', type: 'float32', shape: ['batch', 1, 4, 4] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', 9] }],
    initializers: [floatTensor('kernel', [1, 1, 2, 2], [1, 0, 0, 1]), floatTensor('w', [9, 9], Array(81).fill(0.1))],
    nodes: [
      node('Conv', ['image', 'kernel'], ['features']),
      node('Flatten', ['features'], ['flat'], { axis: 1 }),
      node('MatMul', ['flat', 'w'], ['y']),
    ],
  });

/** 400 rows of 4 features; label: the largest of three fixed linear scores (a learnable task). */
function teacherCsv(rows: number): string {
  const lines = ['a,b,c,d,label'];
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2;
  for (let i = 0; i < rows; i++) {
    const [a, b, c, d] = [next(), next(), next(), next()];
    const scores = [a + b, c - d, -a - c];
    lines.push(`${a},${b},${c},${d},${scores.indexOf(Math.max(...scores))}`);
  }
  return lines.join('\n');
}

const stream = (overrides: Record<string, unknown> = {}) => ({
  type: 'stream' as const,
  total_samples: 2000,
  batch_size: 32,
  ...overrides,
});

describe.each(testDrivers)('training contract on $name', (driver) => {
  const suite = serverFor(driver);
  const upload = async (name: string) => unwrap(uploadModel(suite.server.clientA, { model: fixturePath(name) }));
  const wait = (id: string) => waitForTraining(suite.server.clientA, id, { timeoutMs: 60_000, intervalMs: 50 });

  it('trains tiny-mlp on the synthetic stream to 90% held-out accuracy and saves a model inference can use', async () => {
    const model = await upload('tiny-mlp.onnx');
    const { data: accepted, response } = await conform(
      'startTraining',
      startTraining(suite.server.clientA, {
        body: {
          model_id: model.id,
          data_config: stream(),
          training_config: {
            epochs: 20,
            learning_rate: 0.05,
            optimizer: 'adam',
            target_accuracy: 0.9,
            local_steps: 10,
          },
          resource_config: { min_devices: 1, sdk_types: ['nodejs'] },
        },
      }),
    );
    expect(accepted).toEqual({ job_id: expect.stringMatching(/^train_/), status: 'queued', estimated_devices: 1 });
    expect(response!.headers.get('location')).toBe(`/api/v1/training/${accepted!.job_id}`);
    const seen: number[] = [];
    const done = await waitForTraining(suite.server.clientA, accepted!.job_id, {
      timeoutMs: 60_000,
      intervalMs: 50,
      onProgress: (progress) => seen.push(progress.batches_completed),
    });
    expect(done.status).toBe('completed');
    expect(done.loss).toEqual({ kind: 'cross_entropy', inferred: true });
    expect(done.progress.best_accuracy).toBeGreaterThanOrEqual(0.9);
    expect(done.progress.percent_complete).toBe(100);
    expect(done.progress.current_epoch).toBeLessThan(20);
    expect(done.assigned_devices).toEqual([]);
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
    const { data: job } = await conform(
      'getTraining',
      getTraining(suite.server.clientA, { params: { path: { jobId: done.job_id } } }),
    );
    expect(job!.result_model_id).toMatch(/^model_/);
    expect(job!.config.training_config).toMatchObject({ sync_mode: 'async', momentum: 0, epochs: 20 });
    const result = await unwrap(
      runInference(suite.server.clientA, {
        body: { model_id: job!.result_model_id!, input: { data: [1, 1, -1, 1], shape: [1, 4] } },
      }),
    );
    expect(JSON.stringify(result)).toMatch(/\d/);
  });

  it('trains on an uploaded CSV dataset with SGD and momentum to 85% held-out accuracy', async () => {
    const model = await upload('tiny-mlp.onnx');
    const dataset = await unwrap(
      uploadDataset(suite.server.clientA, { file: Buffer.from(teacherCsv(400)), filename: 'teacher.csv' }),
    );
    const accepted = await unwrap(
      startTraining(suite.server.clientA, {
        body: {
          model_id: model.id,
          data_config: { type: 'dataset', dataset_id: dataset.id, batch_size: 16 },
          training_config: { epochs: 40, learning_rate: 0.1, optimizer: 'sgd', momentum: 0.9, target_accuracy: 0.85 },
        },
      }),
    );
    const done = await wait(accepted.job_id);
    expect(done.status).toBe('completed');
    expect(done.config.data_config.total_samples).toBe(400);
    expect(done.progress.best_accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('converges in every sync mode (one built-in device: each round is that device update)', async () => {
    const model = await upload('tiny-mlp.onnx');
    for (const sync_mode of ['full_sync', 'semi_sync', 'async'] as const) {
      const accepted = await unwrap(
        startTraining(suite.server.clientA, {
          body: {
            model_id: model.id,
            data_config: stream({ total_samples: 1500, seed: 3 }),
            training_config: { epochs: 15, learning_rate: 0.05, sync_mode, local_steps: 7, target_accuracy: 0.88 },
          },
        }),
      );
      const done = await wait(accepted.job_id);
      expect({ sync_mode, status: done.status }).toEqual({ sync_mode, status: 'completed' });
      expect(done.progress.best_accuracy).toBeGreaterThanOrEqual(0.88);
    }
  });

  it('trains a regression (mse) on the stream and lowers the held-out loss', async () => {
    const model = await upload('regression.onnx');
    const accepted = await unwrap(
      startTraining(suite.server.clientA, {
        body: {
          model_id: model.id,
          data_config: stream({ total_samples: 500 }),
          training_config: { epochs: 5, learning_rate: 0.01, sync_mode: 'full_sync' },
        },
      }),
    );
    const done = await wait(accepted.job_id);
    expect(done.status).toBe('completed');
    expect(done.loss).toEqual({ kind: 'mse', inferred: true });
    expect(done.progress.accuracy).toBeNull();
    expect(done.progress.best_loss).toBeLessThanOrEqual(done.progress.current_loss!);
  });

  it('pauses and resumes a job with its progress kept exactly, and refuses what the state does not allow', async () => {
    const model = await upload('tiny-mlp.onnx');
    const accepted = await unwrap(
      startTraining(suite.server.clientA, {
        body: {
          model_id: model.id,
          data_config: stream({ total_samples: 4000, batch_size: 8 }),
          training_config: { epochs: 30, learning_rate: 0.01, local_steps: 5 },
        },
      }),
    );
    const id = accepted.job_id;
    const path = { params: { path: { jobId: id } } };
    await conformError('resumeTraining', resumeTraining(suite.server.clientA, path), 409, 'CANNOT_PAUSE');
    // Wait until it has trained a little, then pause.
    let job: TrainingJob = await unwrap(getTraining(suite.server.clientA, path));
    while (job.progress.batches_completed === 0) job = await unwrap(getTraining(suite.server.clientA, path));
    const { data: paused } = await conform('pauseTraining', pauseTraining(suite.server.clientA, path));
    expect(paused!.status).toBe('paused');
    await conformError('pauseTraining', pauseTraining(suite.server.clientA, path), 409, 'CANNOT_PAUSE');
    // The runner stops at the end of its round and lets go of the device.
    while (job.assigned_devices.length > 0) job = await unwrap(getTraining(suite.server.clientA, path));
    const kept = job.progress;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await unwrap(getTraining(suite.server.clientA, path))).progress).toEqual(kept);
    const { data: resumed } = await conform('resumeTraining', resumeTraining(suite.server.clientA, path));
    expect(resumed!.status).toBe('queued');
    expect(resumed!.progress).toEqual(kept);
    while (job.progress.batches_completed <= kept.batches_completed)
      job = await unwrap(getTraining(suite.server.clientA, path));
    expect(job.progress.current_epoch).toBeGreaterThanOrEqual(kept.current_epoch);
    expect(job.progress.best_loss ?? Infinity).toBeLessThanOrEqual(kept.best_loss ?? Infinity);
    const { data: cancelled } = await conform('cancelTraining', cancelTraining(suite.server.clientA, path));
    expect(cancelled!.status).toBe('cancelled');
    expect(cancelled!.assigned_devices).toEqual([]);
    await conformError('cancelTraining', cancelTraining(suite.server.clientA, path), 409, 'CANNOT_CANCEL');
    await conformError('pauseTraining', pauseTraining(suite.server.clientA, path), 409, 'CANNOT_PAUSE');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await unwrap(getTraining(suite.server.clientA, path));
    expect(after.status).toBe('cancelled');
    expect(after.result_model_id).toBeNull();
  });

  it('queues a job with estimated_devices 0 while the only device is busy, and starts it when that device frees', async () => {
    const model = await upload('tiny-mlp.onnx');
    const body = {
      model_id: model.id,
      data_config: stream({ total_samples: 4000, batch_size: 8 }),
      training_config: { epochs: 30, learning_rate: 0.01, local_steps: 5 },
    };
    const first = await unwrap(startTraining(suite.server.clientA, { body }));
    const firstPath = { params: { path: { jobId: first.job_id } } };
    let job: TrainingJob = await unwrap(getTraining(suite.server.clientA, firstPath));
    while (job.assigned_devices.length === 0) job = await unwrap(getTraining(suite.server.clientA, firstPath));
    const { data: second } = await conform('startTraining', startTraining(suite.server.clientA, { body }));
    expect(second).toMatchObject({ status: 'queued', estimated_devices: 0 });
    const secondPath = { params: { path: { jobId: second!.job_id } } };
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await unwrap(getTraining(suite.server.clientA, secondPath))).toMatchObject({
      status: 'queued',
      assigned_devices: [],
    });
    await unwrap(cancelTraining(suite.server.clientA, firstPath));
    let waiting: TrainingJob = await unwrap(getTraining(suite.server.clientA, secondPath));
    while (waiting.assigned_devices.length === 0) waiting = await unwrap(getTraining(suite.server.clientA, secondPath));
    expect(waiting.status).toBe('running');
    await unwrap(cancelTraining(suite.server.clientA, secondPath));
  });

  it('refuses at submission: an operator without a gradient rule, an unfit dataset, unmeetable resources', async () => {
    const conv = await unwrap(
      uploadModel(suite.server.clientA, { model: Buffer.from(convModel()), filename: 'conv.onnx' }),
    );
    const mlp = await upload('tiny-mlp.onnx');
    const regression = await upload('regression.onnx');
    const iris = await unwrap(uploadDataset(suite.server.clientA, { file: datasetFixturePath('iris-small.csv') }));
    const start = (body: Record<string, unknown>) =>
      startTraining(suite.server.clientA, {
        body: { training_config: { epochs: 1 }, data_config: stream(), ...body } as never,
      });
    const refused = await conformError('startTraining', start({ model_id: conv.id }), 400, 'VALIDATION_ERROR');
    expect(refused.message).toMatch(/operator Conv .*no gradient rule/);
    const unfit = await conformError(
      'startTraining',
      start({ model_id: regression.id, data_config: { type: 'dataset', dataset_id: iris.id } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(unfit.message).toMatch(/4 feature columns/);
    await conformError(
      'startTraining',
      start({ model_id: mlp.id, data_config: { type: 'dataset' } }),
      400,
      'VALIDATION_ERROR',
    );
    for (const resource_config of [
      { min_devices: 3 },
      { sdk_types: ['python'] },
      { min_sdk_version: '999.0' },
      { min_devices: 2, max_devices: 1 },
    ]) {
      const error = await conformError(
        'startTraining',
        start({ model_id: mlp.id, resource_config }),
        400,
        'NO_TRAINING_DEVICES',
      );
      expect(error.message).toMatch(/resource_config/);
    }
    const tooLong = await conformError(
      'startTraining',
      start({ model_id: mlp.id, data_config: stream({ total_samples: 100_000 }), training_config: { epochs: 21 } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(tooLong.message).toMatch(/2100000; this server trains at most 2000000 .*TRAINING_MAX_SAMPLE_PASSES/);
    await conformError('startTraining', start({ model_id: 'model_nope1234' }), 404, 'NOT_FOUND');
    await conformError(
      'getTraining',
      getTraining(suite.server.clientB, { params: { path: { jobId: 'train_nope1234' } } }),
      404,
      'NOT_FOUND',
    );
  });
});
