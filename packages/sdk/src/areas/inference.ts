/**
 * `@computeplane/sdk/inference`: sync, async and batch inference, plus helpers that wait for a job
 * (polling with backoff, AbortSignal, deadline), iterate over a batch job's results page by page, and send
 * typed arrays as base64 tensors.
 */
import { paginate, pollUntil, type Computeplane, type PollOptions } from '../core/index.js';
import { getInferenceJob, type InferenceAccepted, type InferenceJob, type InferenceResult, type TaskResult } from '../generated/inference.operations.js';

export * from '../generated/inference.operations.js';
export { tensorBase64, type TensorArray } from './tensor-base64.js';

const FINISHED: InferenceJob['status'][] = ['completed', 'failed', 'cancelled'];

/** runInference answers a result (sync, 200) or an accepted job (async, 202): tells them apart. */
export function isInferenceResult(body: InferenceResult | InferenceAccepted): body is InferenceResult {
  return body.status === 'completed';
}

/** Polls a job until it is completed, failed or cancelled, and returns it. */
export function waitForInferenceJob(client: Computeplane, jobId: string, options: PollOptions = {}): Promise<InferenceJob> {
  return pollUntil(
    () => getInferenceJob(client, { params: { path: { jobId }, query: { results_limit: 0 } } }),
    (job) => FINISHED.includes(job.status),
    options,
  );
}

/** Every result of a batch job in input order, fetched `pageSize` at a time (unfinished items included). */
export function iterateBatchResults(client: Computeplane, jobId: string, pageSize = 1000): AsyncGenerator<TaskResult, void, undefined> {
  return paginate(
    async (page) => {
      const result = await getInferenceJob(client, { params: { path: { jobId }, query: { results_offset: page.offset, results_limit: page.limit } } });
      return result.error ? result : { ...result, data: { ...result.data, total: result.data.progress.total } };
    },
    (job) => job.results,
    { pageSize },
  );
}
