/**
 * HTTP calls to a provider's REST API with the resilience every adapter needs: retries with exponential
 * backoff and jitter on network errors, 429 and 5xx (honouring Retry-After), a per-provider circuit breaker,
 * and `gpu_provider_api_errors_total{provider,operation}` counting every failed attempt.
 */
import type { Counter } from 'prom-client';
import type { CircuitBreaker } from './circuit-breaker.js';

export class ProviderApiError extends Error {
  override name = 'ProviderApiError';
  constructor(
    readonly provider: string,
    readonly operation: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** The provider says the thing does not exist (any more): for lookups and destroys an answer, not a failure. */
export const isGone = (error: unknown): boolean => error instanceof ProviderApiError && error.status === 404;

/** Awaits `pending`, answering `undefined` where the provider says the thing is gone (404); any other failure is rethrown. */
export async function ignoreGone<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
}

export interface ProviderHttpOptions {
  provider: string;
  baseUrl: string;
  headers: Record<string, string>;
  breaker: CircuitBreaker;
  errors: Counter<'provider' | 'operation'>;
  fetch?: typeof fetch;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** First backoff (default 500 ms), doubling, capped at 8 s. */
  backoffMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

export function createProviderHttp(options: ProviderHttpOptions) {
  const call = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const base = options.baseUrl.replace(/\/+$/, '');

  return async function request<T>(operation: string, method: string, path: string, body?: unknown): Promise<T> {
    options.breaker.before();
    let lastError: ProviderApiError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      let response: Response | undefined;
      try {
        response = await call(`${base}${path}`, {
          method,
          headers: {
            Accept: 'application/json',
            ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...options.headers,
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        lastError = new ProviderApiError(
          options.provider,
          operation,
          null,
          `${options.provider} ${operation}: ${(error as Error).message}`,
        );
      }
      if (response?.ok) {
        options.breaker.success();
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      options.errors.inc({ provider: options.provider, operation });
      if (response) {
        const detail = (await response.text().catch(() => '')).slice(0, 300);
        lastError = new ProviderApiError(
          options.provider,
          operation,
          response.status,
          `${options.provider} ${operation}: HTTP ${response.status} ${detail}`,
        );
        if (!RETRYABLE.has(response.status)) break;
      }
      if (attempt < retries) {
        const header = response?.headers.get('retry-after');
        const retryAfter = header ? Number(header) : NaN;
        const delay =
          Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter <= 60
            ? retryAfter * 1000
            : Math.min(backoffMs * 2 ** attempt, 8_000) * (0.75 + Math.random() * 0.25);
        await sleep(delay);
      }
    }
    // A 4xx other than 408/429 is an answer, not an outage: it does not count against the breaker.
    if (lastError?.status !== null && lastError?.status !== undefined && !RETRYABLE.has(lastError.status))
      options.breaker.success();
    else options.breaker.failure();
    throw lastError!;
  };
}

export type ProviderHttp = ReturnType<typeof createProviderHttp>;
