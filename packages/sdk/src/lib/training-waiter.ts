/**
 * `waitForTraining(client, jobId, options?)`: polls a training job until it is completed, failed or
 * cancelled, and returns it; `onProgress` hears each poll's progress (also while paused). The other options
 * are pollUntil's (interval, deadline, AbortSignal).
 */
import { pollUntil, type Computeplane, type PollOptions } from '../core/index.js';
import { getTraining, type TrainingJob } from '../generated/training.operations.js';

const FINISHED: TrainingJob['status'][] = ['completed', 'failed', 'cancelled'];

export interface TrainingWaitOptions extends PollOptions {
  /** Called with the job after every poll. */
  onProgress?: (progress: TrainingJob['progress'], job: TrainingJob) => void;
}

export function waitForTraining(
  client: Computeplane,
  jobId: string,
  options: TrainingWaitOptions = {},
): Promise<TrainingJob> {
  const { onProgress, ...poll } = options;
  return pollUntil(
    () => getTraining(client, { params: { path: { jobId } } }),
    (job) => {
      onProgress?.(job.progress, job);
      return FINISHED.includes(job.status);
    },
    poll,
  );
}
