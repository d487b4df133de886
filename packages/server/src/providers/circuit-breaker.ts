/**
 * A circuit breaker per provider: after `threshold` consecutive failed calls it opens and calls fail fast
 * for `cooldownMs`; then one trial call is let through (half-open), and its outcome closes or reopens it.
 * Keeps a provider that is down from stalling every request that touches it.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(
    readonly provider: string,
    readonly retryAt: Date,
  ) {
    super(`${provider} is failing; calls are paused until ${retryAt.toISOString()}`);
  }
}

export function createCircuitBreaker(
  provider: string,
  options: { threshold?: number; cooldownMs?: number; now?: () => number } = {},
) {
  const threshold = options.threshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const now = options.now ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let trial = false;

  const state = (): BreakerState =>
    openedAt === undefined ? 'closed' : now() - openedAt >= cooldownMs ? 'half-open' : 'open';

  return {
    state,
    /** Throws CircuitOpenError when calls are paused; otherwise lets the call go ahead. */
    before() {
      const current = state();
      if (current === 'open' || (current === 'half-open' && trial))
        throw new CircuitOpenError(provider, new Date(openedAt! + cooldownMs));
      if (current === 'half-open') trial = true;
    },
    success() {
      failures = 0;
      openedAt = undefined;
      trial = false;
    },
    failure() {
      failures += 1;
      if (trial || failures >= threshold) openedAt = now();
      trial = false;
    },
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
