import { describe, expect, it } from 'vitest';
import { CircuitOpenError, createCircuitBreaker } from './circuit-breaker.js';

describe('circuit breaker', () => {
  it('opens after the threshold, fails fast, lets one trial through after the cooldown', () => {
    let now = 0;
    const breaker = createCircuitBreaker('vastai', { threshold: 3, cooldownMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      breaker.before();
      breaker.failure();
    }
    expect(breaker.state()).toBe('open');
    expect(() => breaker.before()).toThrow(CircuitOpenError);
    now = 1000;
    expect(breaker.state()).toBe('half-open');
    breaker.before();
    expect(() => breaker.before()).toThrow(CircuitOpenError);
    breaker.failure();
    expect(breaker.state()).toBe('open');
    now = 2000;
    breaker.before();
    breaker.success();
    expect(breaker.state()).toBe('closed');
    breaker.before();
  });
});
