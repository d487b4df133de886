/**
 * The SDK's public core, shared by every area: client, unwrap, errors, pagination and polling. The
 * request pipeline behind it (send, retries, per-area openapi-fetch clients) is in ../internal/.
 */
export { createClient, type AuthStyle, type ClientOptions, type Computeplane } from './client.js';
export type { ApiResult } from './api-result.js';
export type { RequestOptions } from './request-options.js';
export { unwrap } from './unwrap.js';
export { paginate, type Page } from './paginate.js';
export { pollUntil, type PollOptions } from './poll.js';
export {
  AbortedError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ComputeplaneError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  UnprocessableEntityError,
  errorFromResponse,
  type ErrorEnvelope,
} from './errors.js';
export {
  RETRYABLE_GPU_ERROR_TYPES,
  isRetryableGpuErrorType,
  type RetryableGpuErrorType,
} from '../generated/gpu-errors.js';
