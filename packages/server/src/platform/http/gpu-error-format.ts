/**
 * The GPU marketplace areas answer errors in the body gpu-sessions.md shows, `{error, request_id,
 * error_type, retry_suggested}`, instead of the platform envelope (rewritten on the way out: rewrite-errors.ts).
 * Which error types are worth retrying is the spec's `x-retryable` list (GpuError.error_type).
 */
import { isRetryableGpuErrorType } from '../../generated/gpu-errors.js';
import { rewriteErrors } from './rewrite-errors.js';

export const gpuErrorFormat = rewriteErrors((error, status, requestId) => ({
  error: error.message ?? 'Request failed',
  request_id: requestId,
  error_type: error.code.toLowerCase(),
  retry_suggested: isRetryableGpuErrorType(error.code) || status >= 500,
  ...(error.details ? { details: error.details } : {}),
}));
