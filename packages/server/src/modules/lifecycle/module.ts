/**
 * The data lifecycle module: a retention sweep every `RETENTION_SWEEP_MS` on every replica (batches are
 * claimed with SKIP LOCKED, so replicas share it). Finished inference and training jobs older than
 * `RETENTION_JOB_DAYS` go with their slices, checkpoints' progress samples and the stacked input and
 * result blobs nothing else names; task records older than `RETENTION_TASK_RECORD_DAYS` go once their
 * hour is over. Hourly usage rollups and projects are kept (they are the billing record).
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { hourOf } from '../../platform/usage/index.js';
import { retentionRepository } from './retention-repository.js';

const DAY_MS = 86_400_000;

export function createLifecycleModule(platform: Services) {
  const settings = platform.settings.retention;
  const repository = retentionRepository(platform.database.db);
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;

  /** One sweep to the end: every expired batch; returns what it deleted. */
  async function sweep() {
    const now = platform.clock();
    const jobsBefore = new Date(now.getTime() - settings.jobDays * DAY_MS);
    const recordsBefore = new Date(now.getTime() - settings.taskRecordDays * DAY_MS);
    const deleted = { inference_jobs: 0, training_jobs: 0, blobs: 0, task_records: 0 };
    for (;;) {
      const { jobs, blobs } = await repository.inferenceJobs(jobsBefore);
      deleted.inference_jobs += jobs;
      for (const checksum of blobs)
        if (!(await repository.blobInUse(checksum)) && (await platform.blobs.has(checksum))) {
          await platform.blobs.delete(checksum);
          deleted.blobs += 1;
        }
      if (jobs === 0) break;
    }
    for (let n; (n = await repository.trainingJobs(jobsBefore)) > 0;) deleted.training_jobs += n;
    for (let n; (n = await repository.taskRecords(recordsBefore, hourOf(now))) > 0;) deleted.task_records += n;
    if (Object.values(deleted).some((n) => n > 0)) platform.logger.info({ deleted }, 'retention sweep');
    return deleted;
  }

  const tick = () => {
    sweeping ??= sweep()
      .catch((error: unknown) => platform.logger.warn({ err: error }, 'retention sweep failed'))
      .finally(() => (sweeping = undefined));
  };

  return {
    areas: [],
    sweep,
    start() {
      timer ??= setInterval(tick, settings.sweepMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await sweeping;
    },
  } satisfies Module & Record<string, unknown>;
}
