/** The SDK core shared by every area: client, send/unwrap, errors, pagination and polling. */
export { createClient, type AuthStyle, type ClientOptions, type Computeplane } from './client.js';
export { areaClient } from './area-client.js';
export { send, type ApiResult } from './send.js';
export { unwrap } from './unwrap.js';
export { paginate, type Page } from './paginate.js';
export { pollUntil, type PollOptions } from './poll.js';
export type { InitOf, RequestOptions } from './request-options.js';
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
