import { describe, expect, it } from 'vitest';
import { isRetryableStatus, mayRepeat, retryAfterMs, retryDelayMs } from './retry-policy.js';

const response = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe('retry policy', () => {
  it('repeats idempotent methods, and POSTs only with an idempotency key', () => {
    expect(mayRepeat(new Request('http://x/', { method: 'GET' }))).toBe(true);
    expect(mayRepeat(new Request('http://x/', { method: 'DELETE' }))).toBe(true);
    expect(mayRepeat(new Request('http://x/', { method: 'POST' }))).toBe(false);
    expect(mayRepeat(new Request('http://x/', { method: 'PATCH' }))).toBe(false);
    expect(mayRepeat(new Request('http://x/', { method: 'POST', headers: { 'Idempotency-Key': 'k' } }))).toBe(true);
  });

  it('retries 408, 429 and 5xx but not 501 or other 4xx; 409 only with Retry-After', () => {
    expect([408, 429, 500, 502, 503, 504].every((s) => isRetryableStatus(response(s)))).toBe(true);
    expect([400, 401, 403, 404, 409, 422, 501].some((s) => isRetryableStatus(response(s)))).toBe(false);
    expect(isRetryableStatus(response(409, { 'Retry-After': '1' }))).toBe(true);
  });

  it('reads Retry-After as seconds or an HTTP date, and Retry-After-Ms', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150' }))).toBe(150);
    const now = Date.parse('2026-11-23T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped, unless the server says when', () => {
    expect(retryDelayMs(0, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(1, undefined, () => 0)).toBe(1000);
    expect(retryDelayMs(2, undefined, () => 1)).toBe(1500);
    expect(retryDelayMs(10, undefined, () => 0)).toBe(8000);
    expect(retryDelayMs(0, response(429, { 'Retry-After': '3' }))).toBe(3000);
    expect(retryDelayMs(0, response(429, { 'Retry-After': '3600' }), () => 0)).toBe(500);
  });
});
