/**
 * A worker job's stages in order, each run with its own timeout (COMPUTE_<STAGE>_TIMEOUT_MS) and recorded
 * on the job as it starts and ends; a stage that fails or runs out of time fails the job with
 * `<stage>: <reason>`.
 */
import { WORKER_STAGES, type WorkerStage } from '../../../platform/settings.js';
import type { StageRecord } from '../jobs/job-view.js';

export class StageFailed extends Error {
  constructor(
    readonly stage: WorkerStage,
    reason: string,
  ) {
    super(`${stage.replace(/_/g, ' ')}: ${reason}`);
  }
}

/** The job was cancelled (its instance terminated) while a stage ran. */
export class JobCancelled extends Error {}

export const initialStages = (timeouts: Record<WorkerStage, number>): StageRecord[] =>
  WORKER_STAGES.map((name) => ({
    name,
    status: 'pending',
    started_at: null,
    finished_at: null,
    timeout_ms: timeouts[name],
  }));

/**
 * Runs `work` as stage `stage`: records it running, races it against its timeout (the work gets an abort
 * signal), records it completed or failed. `record` persists the stages and returns false once the job
 * is no longer active (then JobCancelled is thrown).
 */
export async function runStage<T>(
  stage: WorkerStage,
  stages: StageRecord[],
  options: {
    timeoutMs: number;
    clock: () => Date;
    record: (stage: WorkerStage, stages: StageRecord[]) => Promise<boolean>;
  },
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const entry = stages.find((candidate) => candidate.name === stage)!;
  entry.status = 'running';
  entry.started_at = options.clock().toISOString();
  if (!(await options.record(stage, stages))) throw new JobCancelled();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      work(abort.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new StageFailed(stage, `did not finish within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }),
    ]);
    entry.status = 'completed';
    entry.finished_at = options.clock().toISOString();
    if (!(await options.record(stage, stages))) throw new JobCancelled();
    return result;
  } catch (error) {
    abort.abort();
    if (error instanceof JobCancelled) throw error;
    entry.status = 'failed';
    entry.finished_at = options.clock().toISOString();
    throw error instanceof StageFailed ? error : new StageFailed(stage, (error as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms`, or less when the signal aborts. */
export const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
