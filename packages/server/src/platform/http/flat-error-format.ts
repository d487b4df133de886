/**
 * The instances family answers errors as instances.md shows them, `{code, message}` (the platform code in
 * lower case, e.g. `invalid_state`, `not_found`), with the request id and any field details kept. A 4xx
 * that a retry cannot fix carries `x-should-retry: false`: Stainless-generated clients otherwise retry 408,
 * 409 and 429 on their own. Which codes a retry can help with is the one `x-retryable` list of the spec
 * (GpuError.error_type), shared with the GPU format. Rewritten on the way out like it (rewrite-errors.ts).
 */
import { isRetryableGpuErrorType } from '../../generated/gpu-errors.js';
import { rewriteErrors } from './rewrite-errors.js';

export const flatErrorFormat = rewriteErrors((error, status, requestId, headers) => {
  if (status < 500 && !isRetryableGpuErrorType(error.code)) headers.set('x-should-retry', 'false');
  return {
    code: error.code.toLowerCase(),
    message: error.message ?? 'Request failed',
    request_id: requestId,
    ...(error.details ? { details: error.details } : {}),
  };
});
