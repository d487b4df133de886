/**
 * Aggregates and charts over many jobs' checkpoints (pure): the one-device rate per model that scaling
 * efficiency compares with, the aggregate of one instance type, and the four chart types.
 */
import {
  intervals,
  jobMetrics,
  mean,
  round,
  type JobEfficiency,
  type TrainingCheckpoint,
  type TrainingJobInput,
} from './job-metrics.js';

export type JobWithCheckpoints = { job: TrainingJobInput; checkpoints: TrainingCheckpoint[] };

/** Mean samples per second of every one-device interval, per model. */
export function oneDeviceRates(jobs: JobWithCheckpoints[]): Map<string, number> {
  const rates = new Map<string, number[]>();
  for (const { job, checkpoints } of jobs)
    for (const i of intervals(checkpoints))
      if (i.devices === 1) rates.set(job.modelId, [...(rates.get(job.modelId) ?? []), i.rate]);
  return new Map([...rates].map(([model, list]) => [model, mean(list)!]));
}

export function allMetrics(jobs: JobWithCheckpoints[]): JobEfficiency[] {
  const baseline = oneDeviceRates(jobs);
  return jobs.map(({ job, checkpoints }) => jobMetrics(job, checkpoints, baseline.get(job.modelId) ?? null));
}

const ACTIVE = new Set(['queued', 'running', 'paused']);

export function aggregate(metrics: JobEfficiency[], instanceType: 'aws' | 'user' | 'all') {
  const jobs = instanceType === 'all' ? metrics : metrics.filter((m) => m.instance_type === instanceType);
  const present = <T>(values: (T | null)[]) => values.filter((v): v is T => v !== null);
  const rates = present(jobs.map((m) => m.samples_per_sec));
  const ttas = present(jobs.map((m) => m.tta_seconds));
  const scaling = present(jobs.map((m) => m.scaling_efficiency));
  const power = present(jobs.map((m) => m.power_watts));
  const notes: string[] = [];
  if (jobs.length === 0) notes.push(`no training job of instance type ${instanceType} has recorded a checkpoint`);
  if (rates.length === 0) notes.push('avg_samples_per_sec: no job has two checkpoints yet');
  if (ttas.length === 0) notes.push('avg_tta_seconds: no job with a target_accuracy has reached it');
  if (scaling.length === 0)
    notes.push('avg_scaling_efficiency: no job trained on several devices with a one-device rate to compare with');
  if (power.length === 0) notes.push('avg_power_watts: no device reported its power draw');
  return {
    instance_type: instanceType,
    jobs: jobs.length,
    completed_jobs: jobs.filter((m) => m.status === 'completed').length,
    active_jobs: jobs.filter((m) => ACTIVE.has(m.status)).length,
    samples_trained: jobs.reduce((sum, m) => sum + m.samples_trained, 0),
    avg_samples_per_sec: round(mean(rates)),
    best_samples_per_sec: rates.length > 0 ? Math.max(...rates) : null,
    avg_tta_seconds: round(mean(ttas)),
    jobs_reaching_target: ttas.length,
    avg_scaling_efficiency: round(mean(scaling), 4),
    avg_power_watts: round(mean(power)),
    notes,
  };
}

export type ChartType = 'tta' | 'scaling' | 'power' | 'throughput';

export function chart(type: ChartType, jobs: JobWithCheckpoints[], metrics: JobEfficiency[]) {
  const notes: string[] = [];
  const perJob = (points: (m: JobEfficiency) => { x: number; y: number }[]) =>
    metrics
      .map((m) => ({ name: m.job_id, job_id: m.job_id, instance_type: m.instance_type, points: points(m) }))
      .filter((s) => s.points.length > 0);
  if (type === 'scaling') {
    const byDevices = new Map<number, number[]>();
    for (const { checkpoints } of jobs)
      for (const i of intervals(checkpoints)) byDevices.set(i.devices, [...(byDevices.get(i.devices) ?? []), i.rate]);
    const one = byDevices.has(1) ? mean(byDevices.get(1)!) : null;
    if (one === null) notes.push('efficiency: no one-device intervals to compare with');
    const points = [...byDevices]
      .sort(([a], [b]) => a - b)
      .map(([devices, rates]) => {
        const y = mean(rates)!;
        return { x: devices, y: round(y)!, efficiency: one ? round(y / (devices * one), 4) : null };
      });
    if (points.length === 0) notes.push('no job has two checkpoints yet');
    return {
      type,
      x_label: 'devices',
      y_label: 'samples per second',
      series: points.length > 0 ? [{ name: 'all jobs', job_id: null, instance_type: null, points }] : [],
      notes,
    };
  }
  const series =
    type === 'tta'
      ? perJob((m) =>
          m.checkpoints.filter((c) => c.accuracy !== null).map((c) => ({ x: c.elapsed_seconds, y: c.accuracy! })),
        )
      : type === 'throughput'
        ? perJob((m) =>
            m.checkpoints
              .filter((c) => c.samples_per_sec !== null)
              .map((c) => ({ x: c.elapsed_seconds, y: c.samples_per_sec! })),
          )
        : perJob((m) =>
            m.checkpoints
              .filter((c) => c.power_watts !== null)
              .map((c) => ({ x: c.elapsed_seconds, y: c.power_watts! })),
          );
  if (series.length === 0)
    notes.push(
      type === 'power'
        ? 'no device reported its power draw'
        : type === 'tta'
          ? 'no checkpoint with a measured accuracy yet'
          : 'no job has two checkpoints yet',
    );
  const labels = { tta: 'accuracy', throughput: 'samples per second', power: 'watts' } as const;
  return { type, x_label: 'seconds since job created', y_label: labels[type], series, notes };
}
