/** Inference response helper (`@computeplane/sdk/inference`): tells runInference's two success bodies apart. */
import type { InferenceAccepted, InferenceResult } from '../generated/inference.operations.js';

/** runInference answers a result (sync, 200) or an accepted job (async, 202): tells them apart. */
export function isInferenceResult(body: InferenceResult | InferenceAccepted): body is InferenceResult {
  return body.status === 'completed';
}
