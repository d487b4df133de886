/**
 * Training's task records and progress samples (platform/usage), written at each checkpoint: the step
 * batches trained since the previous checkpoint, split evenly over the devices that trained them (a round
 * runs on all of them at once, so each is credited the elapsed time), and one progress sample (samples,
 * accuracy, loss, devices) that the efficiency figures are computed from. Its `power_watts` is the sum of the
 * latest power draw each of those devices reported (heartbeats; the built-in device samples this machine),
 * null when none of them reported any.
 */
import type { TaskRecorder } from '../../platform/usage/index.js';
import type { ConnectedDevice } from '../devices/module.js';
import type { TrainingConfig, TrainingProgress } from './training-config.js';
import type { TrainingRow } from './training-repository.js';

export function trainingRecords(deps: {
  recorder: TaskRecorder;
  clock: () => Date;
  builtinId: string;
  connected: () => ConnectedDevice[];
  /** The built-in device's latest power draw in watts (null: unreadable here). */
  builtinPower: () => number | null;
}) {
  /** Per job: batches and time at the previous checkpoint of this process's run of it. */
  const last = new Map<string, { batches: number; at: number }>();

  return (job: TrainingRow, progress: TrainingProgress, devices: string[]) => {
    const now = deps.clock();
    const startBatches = (job.progress as unknown as TrainingProgress).batches_completed;
    const prev = last.get(job.id) ?? { batches: startBatches, at: job.updatedAt.getTime() };
    const batches = Math.max(0, progress.batches_completed - prev.batches);
    const elapsed = Math.max(0, now.getTime() - prev.at);
    last.set(job.id, { batches: progress.batches_completed, at: now.getTime() });
    const ended = progress.batches_completed >= progress.total_batches || progress.percent_complete >= 100;
    if (ended) last.delete(job.id);
    // Reached its target early: the batches it will not train are no longer expected by its project.
    if (ended && job.projectId !== null && progress.batches_completed < progress.total_batches)
      void deps.recorder.projects
        .withdraw(job.tenantId, job.projectId, progress.total_batches - progress.batches_completed)
        .catch(() => undefined);
    const ids = devices.length > 0 ? devices : [deps.builtinId];
    const connected = new Map(deps.connected().map((d) => [d.deviceId, d]));
    const kinds = new Set(ids.map((id) => (id === deps.builtinId ? 'aws' : 'user') as 'aws' | 'user'));
    ids.forEach((deviceId, index) => {
      const share = Math.floor(batches / ids.length) + (index < batches % ids.length ? 1 : 0);
      const gpu = connected.get(deviceId)?.capabilities.gpu;
      deps.recorder.record({
        tenantId: job.tenantId,
        projectId: job.projectId,
        kind: 'training',
        jobId: job.id,
        deviceId,
        deviceKind: deviceId === deps.builtinId ? 'aws' : 'user',
        processor: gpu !== null && gpu !== undefined ? 'gpu' : 'cpu',
        tasks: share,
        failed: 0,
        computeMs: elapsed,
        latencyMs: share > 0 ? elapsed / share : 0,
        bytesIn: 0,
        bytesOut: 0,
        finishedAt: now,
      });
    });
    const watts = ids
      .map((id) => (id === deps.builtinId ? deps.builtinPower() : (connected.get(id)?.powerWatts ?? null)))
      .filter((w): w is number => w !== null);
    const batchSize = (job.config as unknown as TrainingConfig).data_config.batch_size;
    deps.recorder.sample({
      jobId: job.id,
      tenantId: job.tenantId,
      at: now,
      batchesCompleted: progress.batches_completed,
      samplesCompleted: progress.batches_completed * batchSize,
      accuracy: progress.accuracy,
      loss: progress.current_loss,
      devices: ids.length,
      deviceKind: kinds.size === 1 ? [...kinds][0]! : 'mixed',
      powerWatts: watts.length > 0 ? Math.round(watts.reduce((total, w) => total + w, 0) * 10) / 10 : null,
    });
  };
}
