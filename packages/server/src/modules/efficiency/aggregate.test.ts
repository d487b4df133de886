/** Efficiency figures from known checkpoints: rates, time-to-accuracy, scaling against one device, nulls with reasons. */
import { describe, expect, it } from 'vitest';
import { aggregate, allMetrics, chart } from './aggregate.js';
import type { TrainingCheckpoint } from './job-metrics.js';

const t0 = Date.parse('2026-11-23T10:00:00Z');
const cp = (seconds: number, samples: number, devices: number, accuracy: number | null = null): TrainingCheckpoint => ({
  at: new Date(t0 + seconds * 1000),
  samples,
  accuracy,
  loss: null,
  devices,
  deviceKind: devices === 1 ? 'aws' : 'mixed',
  powerWatts: null,
});
const job = (id: string, targetAccuracy: number | null, status = 'completed') => ({
  id,
  modelId: 'model_same',
  status,
  createdAt: new Date(t0),
  targetAccuracy,
});

describe('efficiency figures', () => {
  // One device: 100 samples/s. Four devices: 300 samples/s, so scaling efficiency 300 / (4 * 100) = 0.75.
  const jobs = [
    { job: job('train_one', 0.9), checkpoints: [cp(10, 1000, 1, 0.5), cp(20, 2000, 1, 0.92), cp(30, 3000, 1, 0.95)] },
    { job: job('train_four', null, 'running'), checkpoints: [cp(10, 0, 4), cp(20, 3000, 4), cp(30, 6000, 4)] },
  ];
  const metrics = allMetrics(jobs);

  it('computes rate, time-to-accuracy and scaling efficiency', () => {
    expect(metrics[0]).toMatchObject({
      samples_per_sec: 100,
      tta_seconds: 20,
      best_accuracy: 0.95,
      scaling_efficiency: null,
    });
    expect(metrics[0]!.notes).toContain('scaling_efficiency: the job trains on one device (needs two or more)');
    expect(metrics[1]).toMatchObject({
      samples_per_sec: 300,
      tta_seconds: null,
      scaling_efficiency: 0.75,
      power_watts: null,
    });
    expect(metrics[1]!.notes).toEqual([
      'tta_seconds: the job set no training_config.target_accuracy',
      'power_watts: no device reported its power draw',
    ]);
  });

  it('aggregates one instance type, and says why a figure is null', () => {
    expect(aggregate(metrics, 'aws')).toMatchObject({
      jobs: 1,
      completed_jobs: 1,
      avg_samples_per_sec: 100,
      avg_tta_seconds: 20,
    });
    const all = aggregate(metrics, 'all');
    expect(all).toMatchObject({
      jobs: 2,
      active_jobs: 1,
      samples_trained: 9000,
      best_samples_per_sec: 300,
      avg_scaling_efficiency: 0.75,
    });
    expect(all.avg_power_watts).toBeNull();
    expect(aggregate(metrics, 'user')).toMatchObject({ jobs: 0, avg_samples_per_sec: null });
  });

  it('draws the scaling chart per device count and leaves power empty with a note', () => {
    expect(chart('scaling', jobs, metrics).series[0]!.points).toEqual([
      { x: 1, y: 100, efficiency: 1 },
      { x: 4, y: 300, efficiency: 0.75 },
    ]);
    expect(chart('tta', jobs, metrics).series[0]!.points).toEqual([
      { x: 10, y: 0.5 },
      { x: 20, y: 0.92 },
      { x: 30, y: 0.95 },
    ]);
    expect(chart('power', jobs, metrics)).toMatchObject({ series: [], notes: ['no device reported its power draw'] });
  });
});
