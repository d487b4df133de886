/**
 * The training runner every server process runs: it claims one due job at a time (FOR UPDATE SKIP LOCKED,
 * with a lease renewed by each checkpoint and by a timer), trains it on the built-in device from its last
 * checkpoint, and saves the result as a new model. A job whose server died is claimed again when its lease
 * runs out and resumes from its checkpoint; one claimed too often fails.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DatasetsModule } from '../datasets/module.js';
import type { ModelCatalog } from '../models/module.js';
import { deviceExecutors, type TrainingDeviceSource } from './device-executors.js';
import { createStepWorker } from './engine/step-worker.js';
import { trainJob } from './engine/train-job.js';
import { loadData, prepareModel } from './prepare-training.js';
import type { TrainingConfig, TrainingProgress } from './training-config.js';
import type { TrainingRepository, TrainingRow } from './training-repository.js';

const MAX_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createTrainingRunner(deps: {
  repository: TrainingRepository;
  models: ModelCatalog;
  datasets: DatasetsModule;
  device: string;
  devices: TrainingDeviceSource;
  clock: () => Date;
  logger: Logger;
  leaseMs: number;
  pollMs: number;
  /** A checkpoint was saved: the job's progress and the devices training it (task records, efficiency). */
  onCheckpoint?: (job: TrainingRow, progress: TrainingProgress, devices: string[]) => void;
}) {
  const { repository, clock, leaseMs } = deps;
  const worker = createStepWorker();
  const token = () => `trainer-${randomUUID()}`;
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
      const devices = deviceExecutors(deps.devices, job.tenantId, config.resource_config, model.step);
      let assigned: string[] = [];
      const assign = (ids: string[]) => {
        assigned = ids;
        return repository.assign(job.id, claim, ids);
      };
      await assign([deps.device, ...devices.map((d) => d.id)]);
      const outcome = await trainJob({
        builtinId: deps.device,
        devices,
        devicesChanged: assign,
        id: job.id,
        config,
        progress: job.progress as unknown as TrainingProgress,
        checkpoint: job.checkpoint,
        modelBytes: model.bytes,
        step: model.step,
        shape: model.shape,
        data,
        worker,
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
      if (outcome.kind === 'stopped') return void (await repository.release(job.id, claim, clock()));
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

  async function poll(): Promise<void> {
    while (running) {
      const claim = token();
      let job: TrainingRow | undefined;
      try {
        job = await repository.claim(claim, deps.device, clock(), lease());
      } catch (error) {
        deps.logger.warn({ err: error }, 'training claim failed');
      }
      if (job) await run(job, claim);
      else
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
      wake?.();
      await loop;
      await worker.close();
    },
  };
}
