/** unwrap(): data-or-throw for any SDK call, for code that prefers exceptions to `{ data, error }`. */
import type { ApiResult } from './api-result.js';

export async function unwrap<Data>(result: ApiResult<Data> | Promise<ApiResult<Data>>): Promise<Data> {
  const settled = await result;
  if (settled.error) throw settled.error;
  return settled.data as Data;
}
