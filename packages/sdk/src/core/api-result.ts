/**
 * ApiResult: what every SDK call resolves to, `{ data }` on success or `{ error }` (a typed
 * ComputeplaneError) otherwise, with the response and its request id.
 */
import type { ComputeplaneError } from './errors.js';

export type ApiResult<Data> =
  | { data: Data; error?: undefined; response: Response; requestId: string | undefined }
  | { data?: undefined; error: ComputeplaneError; response: Response | undefined; requestId: string | undefined };
