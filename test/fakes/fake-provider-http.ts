/**
 * Provider HTTP for tests: the real retry/breaker/metrics client, talking to a provider fake through its
 * in-process fetch, with sleeps skipped (or recorded) so backoff never slows a test.
 */
import { Counter, Registry } from 'prom-client';
import { createCircuitBreaker } from '../../packages/server/src/providers/circuit-breaker.js';
import { createProviderHttp } from '../../packages/server/src/providers/provider-http.js';

export function fakeProviderHttp(
  provider: string,
  fake: { fetch: typeof fetch },
  options: {
    baseUrl: string;
    apiKey: string;
    retries?: number;
    timeoutMs?: number;
    threshold?: number;
    sleeps?: number[];
    registry?: Registry;
  },
) {
  const errors = new Counter({
    name: 'gpu_provider_api_errors_total',
    help: 'Failed calls to GPU provider APIs',
    labelNames: ['provider', 'operation'],
    registers: [options.registry ?? new Registry()],
  });
  const http = createProviderHttp({
    provider,
    baseUrl: options.baseUrl,
    headers: { Authorization: `Bearer ${options.apiKey}` },
    breaker: createCircuitBreaker(provider, options.threshold !== undefined ? { threshold: options.threshold } : {}),
    errors,
    fetch: fake.fetch,
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    sleep: async (ms) => {
      options.sleeps?.push(ms);
    },
  });
  return { http, errors };
}
