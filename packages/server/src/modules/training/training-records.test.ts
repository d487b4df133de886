/**
 * A checkpoint's training sample records the power the devices that trained reported (their latest, from
 * the hub; the built-in device's from its own sampler), summed; null when none of them reported any.
 */
import { describe, expect, it } from 'vitest';
import type { TaskRecorder } from '../../platform/usage/index.js';
import type { TrainingSample } from '../../platform/usage/task-record.js';
import type { ConnectedDevice } from '../devices/module.js';
import type { TrainingProgress } from './training-config.js';
import type { TrainingRow } from './training-repository.js';
import { trainingRecords } from './training-records.js';

const job = {
  id: 'train_1',
  tenantId: 'tenant_a',
  projectId: null,
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  progress: { batches_completed: 0 },
  config: { data_config: { batch_size: 8 } },
} as unknown as TrainingRow;
const progress = (batches: number): TrainingProgress => ({
  current_epoch: 1,
  total_epochs: 1,
  batches_completed: batches,
  total_batches: 100,
  percent_complete: batches,
  current_loss: 1,
  best_loss: 1,
  accuracy: null,
  best_accuracy: null,
});

const device = (deviceId: string, powerWatts: number | null): ConnectedDevice => ({
  deviceId,
  tenantId: 'tenant_a',
  capabilities: {
    platform: 'linux',
    sdk_type: 'nodejs',
    sdk_version: '20.19.0',
    cpu_cores: 2,
    memory_bytes: 1024 ** 3,
    gpu: null,
    execution_providers: ['cpu'],
    max_tasks: 1,
  },
  running: 0,
  powerWatts,
});

describe('training samples record the power devices report', () => {
  it('sums the latest power of the devices that trained, the built-in one included', () => {
    const samples: TrainingSample[] = [];
    let builtin: number | null = null;
    let connected = [device('dev_1', null), device('dev_2', null)];
    const recorder = {
      record: () => undefined,
      sample: (sample: TrainingSample) => samples.push(sample),
      projects: { withdraw: () => Promise.resolve() },
    } as unknown as TaskRecorder;
    const checkpoint = trainingRecords({
      recorder,
      clock: () => new Date(),
      builtinId: 'local/node-test',
      connected: () => connected,
      builtinPower: () => builtin,
    });

    checkpoint(job, progress(1), ['dev_1', 'local/node-test']);
    expect(samples.at(-1)!.powerWatts).toBeNull(); // nobody reported
    connected = [device('dev_1', 40.25), device('dev_2', 12)];
    checkpoint(job, progress(2), ['dev_1']);
    expect(samples.at(-1)!.powerWatts).toBe(40.3); // dev_2 did not train this one
    builtin = 100;
    checkpoint(job, progress(3), ['dev_1', 'dev_2', 'local/node-test']);
    expect(samples.at(-1)!.powerWatts).toBe(152.3);
    connected = [device('dev_2', null)]; // dev_1 left; dev_2 can no longer read its power
    checkpoint(job, progress(4), ['dev_1', 'dev_2']);
    expect(samples.at(-1)!.powerWatts).toBeNull();
    checkpoint(job, progress(5), []); // no devices named: the built-in device trained it
    expect(samples.at(-1)!.powerWatts).toBe(100);
  });
});
