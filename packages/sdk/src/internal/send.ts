/**
 * send(): runs one generated operation through the retrying fetch and turns openapi-fetch's result into
 * an ApiResult: `{ data }` on success, `{ error }` (a typed ComputeplaneError) otherwise. It never throws
 * for HTTP or network failures; use unwrap() for data-or-throw.
 */
import type { ApiResult } from '../core/api-result.js';
import type { Computeplane } from '../core/client.js';
import { ComputeplaneError, ConnectionError, TimeoutError, errorFromResponse } from '../core/errors.js';
import type { RequestOptions } from '../core/request-options.js';
import { retryingFetch } from './retrying-fetch.js';

type DataOf<R> = R extends { data: infer D } ? ([D] extends [never] ? undefined : Exclude<D, undefined>) : never;

export interface FetchHooks {
  fetch: (request: Request) => Promise<Response>;
}

export async function send<R extends { response: Response; data?: unknown; error?: unknown }>(
  client: Computeplane,
  options: RequestOptions | undefined,
  call: (fetchOptions: FetchHooks) => Promise<R>,
): Promise<ApiResult<DataOf<R>>> {
  let result: R;
  try {
    result = await call({ fetch: retryingFetch(client, options) });
  } catch (error) {
    const wrapped =
      error instanceof ComputeplaneError
        ? error
        : (error as { name?: string })?.name === 'TimeoutError'
          ? new TimeoutError('Timed out while reading the response body', { cause: error })
          : new ConnectionError(`Request failed: ${String(error)}`, { cause: error });
    return { error: wrapped, response: undefined, requestId: undefined };
  }
  const { response } = result;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (response.ok) return { data: result.data as DataOf<R>, response, requestId };
  return { error: errorFromResponse(response.status, result.error, response.headers), response, requestId };
}
