/** Per-second billing and its split across days and months. */
import { describe, expect, it } from 'vitest';
import { sessionUsage, summarize, type BilledSession } from './costs.js';

const session = (
  id: string,
  start: string | null,
  end: string | null,
  extra: Partial<BilledSession> = {},
): BilledSession => ({
  id,
  provider: 'vastai',
  gpuType: 'RTX 4090',
  pricePerHour: 0.45,
  billingStartedAt: start ? new Date(start) : null,
  billingEndedAt: end ? new Date(end) : null,
  createdAt: new Date(start ?? '2026-11-01T00:00:00Z'),
  priorCost: 0,
  priorHours: 0,
  ...extra,
});

describe('session costs', () => {
  it('bills per second from instance creation to destruction, or to now while running', () => {
    expect(
      sessionUsage(session('a', '2026-11-23T10:00:00Z', '2026-11-23T10:20:00Z'), new Date('2026-11-24T00:00:00Z')),
    ).toEqual({ cost: 0.15, hours: 1 / 3 });
    expect(sessionUsage(session('b', '2026-11-23T10:00:00Z', null), new Date('2026-11-23T10:00:40Z')).cost).toBe(0.005);
    expect(sessionUsage(session('c', null, null), new Date()).cost).toBe(0);
    expect(
      sessionUsage(
        session('d', '2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z', { priorCost: 0.1, priorHours: 0.25 }),
        new Date(),
      ),
    ).toEqual({ cost: 0.55, hours: 1.25 });
  });

  it('splits a session across midnight and month ends, and groups by provider and GPU type', () => {
    const sessions = [
      session('a', '2026-11-30T23:00:00Z', '2026-12-01T01:00:00Z'),
      session('b', '2026-11-30T12:00:00Z', '2026-11-30T14:00:00Z', {
        provider: 'local',
        gpuType: 'CPU',
        pricePerHour: 1,
      }),
    ];
    const now = new Date('2026-12-02T00:00:00Z');
    const daily = summarize(sessions, { start: null, end: null }, now, 'daily');
    expect(daily).toMatchObject({
      total_cost: 2.9,
      session_count: 2,
      hours_used: 4,
      by_provider: { vastai: 0.9, local: 2 },
      by_gpu_type: { 'RTX 4090': 0.9, CPU: 2 },
    });
    expect(daily.periods).toEqual([
      { period: '2026-11-30', total_cost: 2.45, session_count: 2, hours_used: 3 },
      { period: '2026-12-01', total_cost: 0.45, session_count: 1, hours_used: 1 },
    ]);
    expect(summarize(sessions, { start: null, end: null }, now, 'monthly').periods.map((p) => p.period)).toEqual([
      '2026-11',
      '2026-12',
    ]);
    const december = summarize(sessions, { start: new Date('2026-12-01T00:00:00Z'), end: null }, now);
    expect(december).toMatchObject({ total_cost: 0.45, session_count: 1, hours_used: 1, periods: [] });
  });
});
