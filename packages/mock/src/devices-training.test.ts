/**
 * The mock serves the devices and training areas as the reference server does (the app in-process): the
 * built-in device is listed and counted, and a training job on it reaches completion through the SDK's
 * waitForTraining, with a trained model that inference can run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, unwrap } from '@computeplane/sdk';
import { getDevice, getDeviceStats, iterateDevices, listDevices } from '@computeplane/sdk/devices';
import { uploadModel } from '@computeplane/sdk/models';
import { getTraining, startTraining, waitForTraining } from '@computeplane/sdk/training';
import { useMockComputeplane } from './use-mock-computeplane.js';

const tinyMlp = readFileSync(fileURLToPath(new URL('../../../fixtures/models/tiny-mlp.onnx', import.meta.url)));

describe('devices and training on the mock', () => {
  const cp = useMockComputeplane({ beforeAll, afterEach, afterAll });

  it('lists the built-in device, reads it and counts it in the stats', async () => {
    const { devices } = await unwrap(listDevices(cp.client));
    expect(devices).toHaveLength(1);
    const builtin = devices[0]!;
    expect(builtin.status).toBe('idle');
    expect(builtin.id).toMatch(/^local\//);
    const all = [];
    for await (const device of iterateDevices(cp.client)) all.push(device.id);
    expect(all).toEqual([builtin.id]);
    expect(await unwrap(getDevice(cp.client, { params: { path: { id: builtin.id } } }))).toMatchObject({
      id: builtin.id,
      status: 'idle',
    });
    const stats = await unwrap(getDeviceStats(cp.client));
    expect(stats).toMatchObject({ total: 1, idle: 1, offline: 0 });
    const { error } = await getDevice(cp.client, { params: { path: { id: 'dev_missing000' } } });
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('trains a model on the built-in device to completion through waitForTraining', async () => {
    const model = await unwrap(uploadModel(cp.client, { model: tinyMlp, name: 'tiny-mlp' }));
    const accepted = await unwrap(
      startTraining(cp.client, {
        body: {
          model_id: model.id,
          data_config: { type: 'stream', total_samples: 400, batch_size: 16 },
          training_config: { epochs: 3, learning_rate: 0.05, sync_mode: 'full_sync', local_steps: 5 },
        },
      }),
    );
    expect(accepted).toMatchObject({ status: 'queued', estimated_devices: 1 });
    const seen: number[] = [];
    const done = await waitForTraining(cp.client, accepted.job_id, {
      intervalMs: 20,
      timeoutMs: 60_000,
      onProgress: (progress) => seen.push(progress.batches_completed),
    });
    expect(done.status).toBe('completed');
    expect(done.progress.batches_completed).toBe(done.progress.total_batches);
    expect(done.result_model_id).toBeTruthy();
    expect(seen.length).toBeGreaterThan(0);
    const again = await unwrap(getTraining(cp.client, { params: { path: { jobId: accepted.job_id } } }));
    expect(again.result_model_id).toBe(done.result_model_id);
  });
});
