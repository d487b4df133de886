/** Pod costs from usage spans: per second, cut at month boundaries, compute and storage apart, and the forecast. */
import { describe, expect, it } from 'vitest';
import { monthCosts, monthOf, split } from './pod-costs.js';
import type { PodRow, UsageRow } from './pod-repository.js';

const at = (text: string) => new Date(text);
const span = (kind: 'compute' | 'storage', price: number, from: string, to: string | null): UsageRow => ({
  id: `use_${Math.random()}`,
  podId: 'pod_a',
  labId: 'lab_a',
  tenantId: 't',
  kind,
  pricePerHour: price,
  startedAt: at(from),
  endedAt: to ? at(to) : null,
});
const pod = { id: 'pod_a', labId: 'lab_a', gpuType: 'H100', status: 'stopped' } as PodRow;

describe('pod costs', () => {
  it('reads months: current, YYYY-MM, and nothing after now', () => {
    const now = at('2026-12-05T10:00:00Z');
    expect(monthOf('current', now)).toEqual({
      key: '2026-12',
      start: at('2026-12-01T00:00:00Z'),
      end: at('2027-01-01T00:00:00Z'),
    });
    expect(monthOf('2026-02', now)!.end).toEqual(at('2026-03-01T00:00:00Z'));
    expect(monthOf('2027-01', now)).toBeUndefined();
  });

  it('bills each span per second inside the month, compute and storage apart, open spans up to now', () => {
    const now = at('2026-12-01T12:00:00Z');
    const spans = [
      span('compute', 2.5, '2026-11-30T23:00:00Z', '2026-12-01T01:00:00Z'), // 1 h in December
      span('storage', 0.01, '2026-12-01T01:00:00Z', '2026-12-01T02:00:00Z'),
      span('compute', 2.5, '2026-12-01T11:59:24Z', null), // 36 s so far
    ];
    const december = monthOf('current', now)!;
    expect(split(spans, december.start, december.end, now)).toEqual({
      compute: 2.525,
      storage: 0.01,
      total: 2.535,
      hours: 1.01,
    });
    const november = monthOf('2026-11', now)!;
    expect(split(spans, november.start, november.end, now).compute).toBe(2.5);
  });

  it('forecasts the month from the spans open now, and a past month as its total', () => {
    const now = at('2026-12-31T00:00:00Z');
    const spans = [
      span('compute', 1, '2026-12-30T00:00:00Z', '2026-12-30T10:00:00Z'),
      span('storage', 0.5, '2026-12-30T10:00:00Z', null),
    ];
    const costs = monthCosts([pod], spans, monthOf('current', now)!, now);
    expect(costs.totals).toEqual({ computeCost: 10, storageCost: 7, totalCost: 17 });
    expect(costs.forecast).toEqual({ burnRatePerHour: 0.5, projectedMonthTotal: 29 });
    expect(costs.pods).toEqual([
      {
        podId: 'pod_a',
        labId: 'lab_a',
        gpuType: 'H100',
        status: 'stopped',
        runningHours: 10,
        computeCost: 10,
        storageCost: 7,
        totalCost: 17,
      },
    ]);
    const later = at('2027-01-02T00:00:00Z');
    const past = monthCosts([pod], spans, monthOf('2026-12', later)!, later);
    expect(past.forecast).toEqual({ burnRatePerHour: 0, projectedMonthTotal: past.totals.totalCost });
  });
});
