/**
 * Efficiency of one training job from its checkpoints (pure, so known checkpoints give known figures):
 * samples per second, time-to-accuracy, scaling efficiency against a one-device rate, and power when the
 * devices reported any. Each figure that cannot be measured is null with the reason in `notes`.
 */

export interface TrainingCheckpoint {
  at: Date;
  samples: number;
  accuracy: number | null;
  loss: number | null;
  devices: number;
  deviceKind: 'aws' | 'user' | 'mixed';
  powerWatts: number | null;
}

export interface TrainingJobInput {
  id: string;
  modelId: string;
  status: string;
  createdAt: Date;
  targetAccuracy: number | null;
}

/** Samples per second between consecutive checkpoints, with the device count at the later one. */
export function intervals(checkpoints: TrainingCheckpoint[]) {
  const out: { at: Date; devices: number; rate: number }[] = [];
  for (let i = 1; i < checkpoints.length; i++) {
    const dt = (checkpoints[i]!.at.getTime() - checkpoints[i - 1]!.at.getTime()) / 1000;
    const ds = checkpoints[i]!.samples - checkpoints[i - 1]!.samples;
    if (dt > 0 && ds >= 0) out.push({ at: checkpoints[i]!.at, devices: checkpoints[i]!.devices, rate: ds / dt });
  }
  return out;
}

export const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
export const round = (value: number | null, places = 3) =>
  value === null ? null : Math.round(value * 10 ** places) / 10 ** places;

export function instanceTypeOf(checkpoints: TrainingCheckpoint[]) {
  const kinds = new Set(checkpoints.map((c) => c.deviceKind));
  if (kinds.size === 0) return null;
  return kinds.size === 1 ? [...kinds][0]! : 'mixed';
}

export function jobMetrics(job: TrainingJobInput, checkpoints: TrainingCheckpoint[], oneDeviceRate: number | null) {
  const notes: string[] = [];
  const first = checkpoints[0];
  const last = checkpoints.at(-1);
  const span = first && last ? (last.at.getTime() - first.at.getTime()) / 1000 : 0;
  const samplesPerSec = first && last && span > 0 ? (last.samples - first.samples) / span : null;
  if (samplesPerSec === null) notes.push('samples_per_sec: fewer than two checkpoints recorded so far');

  let tta: number | null = null;
  if (job.targetAccuracy === null) notes.push('tta_seconds: the job set no training_config.target_accuracy');
  else {
    const reached = checkpoints.find((c) => c.accuracy !== null && c.accuracy >= job.targetAccuracy!);
    if (reached) tta = (reached.at.getTime() - job.createdAt.getTime()) / 1000;
    else notes.push(`tta_seconds: accuracy has not reached the target ${job.targetAccuracy} yet`);
  }

  const devices = last?.devices ?? null;
  let scaling: number | null = null;
  if (devices === null) notes.push('scaling_efficiency: no checkpoint recorded so far');
  else if (devices <= 1) notes.push('scaling_efficiency: the job trains on one device (needs two or more)');
  else if (oneDeviceRate === null || oneDeviceRate <= 0)
    notes.push('scaling_efficiency: no one-device checkpoints of this model to compare with');
  else {
    const withN = mean(
      intervals(checkpoints)
        .filter((i) => i.devices === devices)
        .map((i) => i.rate),
    );
    if (withN === null) notes.push(`scaling_efficiency: no interval between checkpoints with ${devices} devices yet`);
    else scaling = withN / (devices * oneDeviceRate);
  }

  const watts = checkpoints.map((c) => c.powerWatts).filter((w): w is number => w !== null);
  if (watts.length === 0) notes.push('power_watts: no device reported its power draw');

  return {
    job_id: job.id,
    status: job.status,
    model_id: job.modelId,
    instance_type: instanceTypeOf(checkpoints),
    devices,
    samples_trained: last?.samples ?? 0,
    elapsed_seconds: last ? round((last.at.getTime() - job.createdAt.getTime()) / 1000) : null,
    samples_per_sec: round(samplesPerSec),
    target_accuracy: job.targetAccuracy,
    best_accuracy: checkpoints.reduce<number | null>(
      (best, c) => (c.accuracy !== null && (best === null || c.accuracy > best) ? c.accuracy : best),
      null,
    ),
    tta_seconds: round(tta),
    scaling_efficiency: round(scaling, 4),
    power_watts: round(mean(watts)),
    checkpoints: checkpoints.map((c, i) => {
      const prev = checkpoints[i - 1];
      const dt = prev ? (c.at.getTime() - prev.at.getTime()) / 1000 : 0;
      return {
        at: c.at.toISOString(),
        elapsed_seconds: round((c.at.getTime() - job.createdAt.getTime()) / 1000)!,
        samples: c.samples,
        accuracy: c.accuracy,
        loss: c.loss,
        devices: c.devices,
        instance_type: c.deviceKind,
        samples_per_sec: prev && dt > 0 ? round((c.samples - prev.samples) / dt) : null,
        power_watts: c.powerWatts,
      };
    }),
    notes,
  };
}

export type JobEfficiency = ReturnType<typeof jobMetrics>;
