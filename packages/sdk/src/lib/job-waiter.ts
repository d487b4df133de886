/**
 * `waitForJob(client, jobId, options?)`: polls a job of the shared jobs registry (`GET /v1/train/jobs/{id}`:
 * worker provisioning, training) until it is completed, failed or cancelled, and returns it; `onStage`
 * hears each stage a worker job enters (once per stage, in order), `onProgress` every poll. Throws
 * JobFailedError for a job that failed or was cancelled unless `failOnError: false`. The other options are
 * pollUntil's (interval, deadline, AbortSignal).
 */
import { ComputeplaneError, pollUntil, type Computeplane, type PollOptions } from '../core/index.js';
import { getJob, type Job } from '../generated/compute.operations.js';

const FINISHED: Job['status'][] = ['completed', 'failed', 'cancelled'];

export interface JobWaitOptions extends PollOptions {
  /** Called when the job is seen in a stage it was not in before (`launching`, `booting`, ...). */
  onStage?: (stage: string, job: Job) => void;
  /** Called with the job after every poll. */
  onProgress?: (job: Job) => void;
  /** Throw JobFailedError when the job fails or is cancelled (default true). */
  failOnError?: boolean;
}

/** The job ended without completing; `job.error` says where and why. */
export class JobFailedError extends ComputeplaneError {
  override name = 'JobFailedError';
  constructor(readonly job: Job) {
    super(`Job ${job.job_id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
  }
}

export async function waitForJob(client: Computeplane, jobId: string, options: JobWaitOptions = {}): Promise<Job> {
  const { onStage, onProgress, failOnError = true, ...poll } = options;
  let lastStage: string | null = null;
  const job = await pollUntil(
    () => getJob(client, { params: { path: { id: jobId } } }),
    (current) => {
      if (current.stage !== null && current.stage !== lastStage) {
        lastStage = current.stage;
        onStage?.(current.stage, current);
      }
      onProgress?.(current);
      return FINISHED.includes(current.status);
    },
    poll,
  );
  if (failOnError && job.status !== 'completed') throw new JobFailedError(job);
  return job;
}
