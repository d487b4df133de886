/**
 * The training runner every server process runs. It claims due jobs (FOR UPDATE SKIP LOCKED, with a lease
 * renewed by each checkpoint and by a timer) while the device scheduler would give them a share of this
 * process's devices, and trains every claimed job at once, each round on the devices it holds for that round
 * (device-scheduler.ts); a job left with no share goes back to queued. A job whose server died is claimed
 * again when its lease runs out and resumes from its checkpoint; one claimed too often fails.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DatasetsModule } from '../datasets/module.js';
import type { ModelCatalog } from '../models/module.js';
import { deviceExecutor, type TrainingDeviceSource } from './device-executors.js';
import type { DeviceScheduler } from './device-scheduler.js';
import { createStepWorker } from './engine/step-worker.js';
import { trainJob } from './engine/train-job.js';
import { loadData, prepareModel } from './prepare-training.js';
import { leaveToOtherReplica } from './replica-handoff.js';
import type { TrainingConfig, TrainingProgress } from './training-config.js';
import type { TrainingRepository, TrainingRow } from './training-repository.js';

const MAX_ATTEMPTS = 5;
/** How many due jobs one look at the queue considers. */
const DUE_WINDOW = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createTrainingRunner(deps: {
  repository: TrainingRepository;
  models: ModelCatalog;
  datasets: DatasetsModule;
  device: string;
  devices: TrainingDeviceSource;
  scheduler: DeviceScheduler;
  /** The tenants with devices online on other replicas (replica-handoff.ts). */
  tenantsElsewhere: () => Promise<Set<string>>;
  clock: () => Date;
  logger: Logger;
  leaseMs: number;
  pollMs: number;
  /** A checkpoint was saved: the job's progress and the devices training it (task records, efficiency). */
  onCheckpoint?: (job: TrainingRow, progress: TrainingProgress, devices: string[]) => void;
}) {
  const { repository, clock, leaseMs, scheduler } = deps;
  const worker = createStepWorker();
  const active = new Map<string, Promise<void>>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const lease = () => new Date(clock().getTime() + leaseMs);

  async function run(job: TrainingRow, claim: string): Promise<void> {
    const fail = (error: string) => repository.finish(job.id, claim, { status: 'failed', error }, clock());
    if (job.attempts > MAX_ATTEMPTS) return void (await fail(`abandoned after ${MAX_ATTEMPTS} attempts`));
    const config = job.config as unknown as TrainingConfig;
    // Only the lease: a checkpoint written here could land after a newer one and undo it.
    const renew = setInterval(() => {
      void repository.renew(job.id, claim, lease()).catch(() => undefined);
    }, leaseMs / 3);
    try {
      const model = await prepareModel(deps.models, job.tenantId, job.modelId, config.training_config.loss);
      const data = await loadData(deps.datasets, job.tenantId, model, config.data_config);
      const remote = deviceExecutor(deps.devices, model.step);
      let assigned: string[] = [];
      const outcome = await trainJob({
        id: job.id,
        config,
        progress: job.progress as unknown as TrainingProgress,
        checkpoint: job.checkpoint,
        modelBytes: model.bytes,
        step: model.step,
        shape: model.shape,
        data,
        worker,
        acquire: () => scheduler.acquire(job.id),
        release: (ids) => scheduler.release(job.id, ids),
        // The built-in device stays: its thread serves every job here.
        exclude: (id) => id !== deps.device && scheduler.exclude(job.id, id),
        executor: (id) =>
          id === deps.device ? { id, run: (feeds) => worker.run(`train:${job.id}`, feeds) } : remote(id),
        devicesChanged: (ids) => {
          assigned = ids;
          return repository.assign(job.id, claim, ids);
        },
        save: async (checkpoint, progress) => {
          const status = await repository.checkpoint(
            job.id,
            claim,
            { checkpoint, progress: progress as unknown as Record<string, unknown> },
            clock(),
            lease(),
          );
          deps.onCheckpoint?.(job, progress, assigned);
          return running ? status : 'stopping';
        },
      });
      if (outcome.kind !== 'finished')
        return void (await repository.release(job.id, claim, clock(), outcome.kind === 'preempted' && running));
      const saved = await deps.models.saveDerived(
        model.row,
        outcome.model,
        `${model.row.name}-trained-${job.id.slice(6)}`,
      );
      if (!(await repository.finish(job.id, claim, { status: 'completed', resultModelId: saved.id }, clock())))
        await deps.models.remove(job.tenantId, saved.id).catch(() => undefined);
    } catch (error) {
      deps.logger.warn({ err: error, job: job.id }, 'training job failed');
      await fail((error as Error).message);
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Claims the oldest due job that would get at least `min_devices` of this process's devices now, and is
   * not left to the replica that has its tenant's devices (replica-handoff.ts).
   */
  async function admit(): Promise<boolean> {
    const due = await repository.due(clock(), DUE_WINDOW);
    if (due.length === 0) return false;
    const tenants = {
      elsewhere: await deps.tenantsElsewhere(),
      here: new Set(deps.devices.connected().map((d) => d.tenantId)),
    };
    for (const row of due) {
      if (active.has(row.id) || leaveToOtherReplica(row, tenants, clock())) continue;
      const job = { tenantId: row.tenantId, config: row.config as unknown as TrainingConfig };
      if (scheduler.estimate(job) < Math.max(1, job.config.resource_config.min_devices)) continue;
      const claim = `trainer-${randomUUID()}`;
      const claimed = await repository.claim(row.id, claim, clock(), lease());
      if (!claimed) continue;
      scheduler.add(claimed.id, job);
      const done = run(claimed, claim).finally(() => {
        scheduler.remove(claimed.id);
        active.delete(claimed.id);
        wake?.();
      });
      active.set(claimed.id, done);
      return true;
    }
    return false;
  }

  async function poll(): Promise<void> {
    while (running) {
      let claimed = false;
      try {
        claimed = await admit();
      } catch (error) {
        deps.logger.warn({ err: error }, 'training claim failed');
      }
      if (!claimed)
        await new Promise<void>((resolve) => {
          wake = resolve;
          void sleep(deps.pollMs).then(() => resolve());
        });
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = poll();
    },
    /** A job was queued: look now rather than at the next poll. */
    nudge: () => wake?.(),
    async stop() {
      running = false;
      scheduler.close();
      wake?.();
      await loop;
      await Promise.all(active.values());
      await worker.close();
    },
  };
}
