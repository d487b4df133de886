/**
 * The fetch that every SDK call goes through: per-attempt timeout, caller AbortSignal, idempotency key
 * (one per logical request, the same on every attempt) and retries with backoff. openapi-fetch builds the
 * Request; this function sends it, as many times as the retry policy allows.
 */
import type { Computeplane } from '../core/client.js';
import { AbortedError, ConnectionError, TimeoutError } from '../core/errors.js';
import type { RequestOptions } from '../core/request-options.js';
import { isRetryableStatus, mayRepeat, retryDelayMs } from './retry-policy.js';
import { sleep } from './sleep.js';

export function retryingFetch(client: Computeplane, options: RequestOptions = {}) {
  const maxRetries = options.maxRetries ?? client.maxRetries;
  const timeoutMs = options.timeoutMs ?? client.timeoutMs;
  const idempotencyKey = options.idempotencyKey ?? randomKey();

  return async (input: Request): Promise<Response> => {
    const template = new Request(input, { headers: requestHeaders(input, options, idempotencyKey) });
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= maxRetries || !mayRepeat(template);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const request = new Request(last ? template : template.clone(), { signal, duplex: 'half' } as RequestInit);
      let response: Response | undefined;
      let failure: ConnectionError | undefined;
      try {
        response = await client.fetch(request);
      } catch (error) {
        if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
        failure = timeout.aborted
          ? new TimeoutError(`${template.method} ${template.url} timed out after ${timeoutMs} ms`, { cause: error })
          : new ConnectionError(`${template.method} ${template.url} failed: ${describe(error)}`, { cause: error });
      }
      if (last || (response && !isRetryableStatus(response))) {
        if (failure) throw failure;
        return response!;
      }
      await response?.body?.cancel().catch(() => undefined);
      try {
        await sleep(retryDelayMs(attempt, response), options.signal);
      } catch (reason) {
        throw new AbortedError({ cause: reason });
      }
    }
  };
}

function requestHeaders(input: Request, options: RequestOptions, idempotencyKey: string): Headers {
  // Copied one by one: `new Headers(otherRealmHeaders)` can drop entries when fetch is patched (msw).
  const headers = new Headers();
  input.headers.forEach((value, name) => headers.set(name, value));
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  if (input.method === 'POST' && !headers.has('idempotency-key')) headers.set('Idempotency-Key', idempotencyKey);
  return headers;
}

function randomKey(): string {
  return globalThis.crypto.randomUUID();
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
