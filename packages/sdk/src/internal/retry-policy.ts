/**
 * When to retry and how long to wait: exponential backoff with jitter, overridden by the server's
 * `Retry-After` (seconds or HTTP date) or `Retry-After-Ms` when it gives one within a sane bound.
 */

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

/** A request may be repeated when its method is idempotent or it carries an idempotency key. */
export function mayRepeat(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method) || request.headers.has('idempotency-key');
}

/**
 * Retry 408, 429 and 5xx except 501. A 409 is retried only when the server says when to come back
 * (`Retry-After`), which it does for an idempotency key whose first request is still in flight. Never
 * when the server answers `x-should-retry: false`.
 */
export function isRetryableStatus(response: Response): boolean {
  // The server's own word wins (the instances family sends `x-should-retry: false` on a final 4xx).
  if (response.headers.get('x-should-retry') === 'false') return false;
  return RETRYABLE_STATUSES.has(response.status) || (response.status === 409 && response.headers.has('retry-after'));
}

export function retryDelayMs(
  attempt: number,
  response: Response | undefined,
  random: () => number = Math.random,
): number {
  const fromServer = response ? retryAfterMs(response.headers) : undefined;
  if (fromServer !== undefined && fromServer >= 0 && fromServer <= MAX_RETRY_AFTER_MS) return fromServer;
  const base = Math.min(INITIAL_DELAY_MS * 2 ** attempt, MAX_DELAY_MS);
  return base * (1 - 0.25 * random());
}

export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
