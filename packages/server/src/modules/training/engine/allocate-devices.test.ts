/** The allocation rule (docs/training.md, "Allocation"): admission, shares proportional to weight, few moves. */
import { describe, expect, it } from 'vitest';
import { allocateDevices, type AllocationJob } from './allocate-devices.js';

const job = (id: string, weight: number, eligible: string[], extra: Partial<AllocationJob> = {}): AllocationJob => ({
  id,
  weight,
  maxDevices: Infinity,
  eligible,
  held: [],
  ...extra,
});
const all = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
const counts = (shares: Map<string, string[]>) => Object.fromEntries([...shares].map(([id, d]) => [id, d.length]));

describe('allocateDevices', () => {
  it('gives one job every device it may use', () => {
    expect(allocateDevices([job('a', 10, all)], all).get('a')).toEqual(all);
  });

  it('splits devices in proportion to weight (2:1 over 6 devices is 4:2, 3:1 over 4 is 3:1)', () => {
    expect(counts(allocateDevices([job('a', 2000, all), job('b', 1000, all)], all))).toEqual({ a: 4, b: 2 });
    expect(counts(allocateDevices([job('a', 100, all), job('b', 300, all)], all.slice(0, 4)))).toEqual({ a: 1, b: 3 });
  });

  it('admits a job with a small weight while a device is left, and queues one when none is', () => {
    const shares = allocateDevices([job('a', 1_000_000, all), job('b', 1, all), job('c', 1, all)], ['d1', 'd2']);
    expect(counts(shares)).toEqual({ a: 1, b: 1, c: 0 });
  });

  it('a new job takes a device from the over-allocated one, which keeps the rest of what it holds', () => {
    const before = allocateDevices([job('a', 100, all)], all.slice(0, 3));
    expect(before.get('a')).toEqual(['d1', 'd2', 'd3']);
    const after = allocateDevices(
      [job('a', 100, all, { held: ['d1', 'd2', 'd3'] }), job('b', 50, all)],
      all.slice(0, 3),
    );
    expect(after.get('a')).toHaveLength(2);
    expect(after.get('b')).toHaveLength(1);
    expect([...after.get('a')!, ...after.get('b')!].sort()).toEqual(['d1', 'd2', 'd3']);
    const moved = after.get('b')![0]!;
    expect(['d1', 'd2', 'd3'].filter((d) => d !== moved)).toEqual(after.get('a'));
  });

  it("uses only a job's eligible devices (its tenant's), and leaves the shared one to the job that needs it", () => {
    // d1 is the built-in device (every tenant), d2 and d3 are tenant A's, d4 tenant B's.
    const shares = allocateDevices(
      [job('a', 10, ['d1', 'd2', 'd3']), job('b', 10, ['d1', 'd4']), job('c', 10, ['d1'])],
      ['d1', 'd2', 'd3', 'd4'],
    );
    expect(shares.get('a')).toEqual(['d2', 'd3']);
    expect(shares.get('b')).toEqual(['d4']);
    expect(shares.get('c')).toEqual(['d1']);
  });

  it('respects max_devices, and a job with no usable device gets none', () => {
    const shares = allocateDevices([job('a', 100, all, { maxDevices: 2 }), job('b', 1, ['d9'])], all);
    expect(counts(shares)).toEqual({ a: 2, b: 0 });
  });
});
