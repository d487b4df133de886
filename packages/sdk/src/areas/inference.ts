/**
 * `@computeplane/sdk/inference`: sync, async and batch inference, plus helpers that wait for a job
 * (polling with backoff, AbortSignal, deadline), iterate over a batch job's results page by page, and send
 * typed arrays as base64 tensors.
 */
export * from '../generated/inference.operations.js';
export { isInferenceResult } from '../lib/inference-result.js';
export { iterateBatchResults } from '../lib/iterators.js';
export { tensorBase64, type TensorArray } from '../lib/tensor-base64.js';
export { waitForInferenceJob } from '../lib/waiters.js';
