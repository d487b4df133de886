/**
 * pollUntil(): calls a status endpoint until a condition holds, backing off between polls, honouring
 * an AbortSignal and an overall deadline. The building block of every "wait for the job" helper.
 */
import { AbortedError, ComputeplaneError, TimeoutError } from './errors.js';
import type { ApiResult } from './api-result.js';
import { sleep } from '../internal/sleep.js';

export interface PollOptions {
  /** First wait between polls (default 250 ms); doubles up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Give up after this long (default: no deadline). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function pollUntil<Data>(
  poll: () => Promise<ApiResult<Data>>,
  done: (data: Data) => boolean,
  { intervalMs = 250, maxIntervalMs = 5_000, timeoutMs, signal }: PollOptions = {},
): Promise<Data> {
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (let wait = intervalMs; ; wait = Math.min(wait * 2, maxIntervalMs)) {
    if (signal?.aborted) throw new AbortedError({ cause: signal.reason });
    const result = await poll();
    if (result.error) throw result.error;
    if (done(result.data)) return result.data;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new TimeoutError(`Condition not met within ${timeoutMs} ms`);
    try {
      await sleep(Math.min(wait, remaining), signal);
    } catch (reason) {
      throw reason instanceof ComputeplaneError ? reason : new AbortedError({ cause: reason });
    }
  }
}
