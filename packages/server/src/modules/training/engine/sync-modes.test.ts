/** The sync modes' aggregation rules on hand-computed numbers (docs/training.md, "Sync modes"). */
import { describe, expect, it } from 'vitest';
import { asyncMix, fullSyncRound, semiSyncBuffer, type DeviceUpdate, type Weights } from './sync-modes.js';

const w = (version: number, ...values: number[]): Weights => ({ version, values: [Float32Array.from(values)] });
const update = (baseVersion: number, samples: number, ...values: number[]): DeviceUpdate => ({
  baseVersion,
  samples,
  weights: [Float32Array.from(values)],
});
const values = (weights: Weights) => [...weights.values[0]!];

describe('full_sync (FedAvg)', () => {
  it('averages the updates weighted by samples and bumps the version', () => {
    const next = fullSyncRound(w(3, 0, 0), [update(3, 10, 1, 2), update(3, 30, 5, 6)], 2);
    expect(next.version).toBe(4);
    expect(values(next)).toEqual([4, 5]);
  });
  it('keeps the previous weights when fewer results than the minimum came (a device dropped out)', () => {
    const current = w(3, 7, 7);
    expect(fullSyncRound(current, [update(3, 10, 1, 2)], 2)).toBe(current);
    expect(fullSyncRound(current, [], 1)).toBe(current);
  });
  it('tolerates a dropout when the rest still meet the minimum', () => {
    expect(values(fullSyncRound(w(0, 0), [update(0, 5, 2), update(0, 15, 6)], 2))).toEqual([5]);
  });
});

describe('async (FedAsync)', () => {
  it('mixes a fresh update with a = alpha', () => {
    const next = asyncMix(w(2, 0, 10), update(2, 1, 10, 0), 0.5);
    expect(values(next)).toEqual([5, 5]);
    expect(next.version).toBe(3);
  });
  it('scales a down by 1/sqrt(1 + staleness)', () => {
    // tau = 3: a = 1 / sqrt(4) = 0.5
    expect(values(asyncMix(w(5, 0), update(2, 1, 8), 1))).toEqual([4]);
  });
});

describe('semi_sync (FedBuff)', () => {
  const bases = new Map<number, Float32Array[]>([
    [0, [Float32Array.from([0])]],
    [1, [Float32Array.from([2])]],
  ]);
  const base = (version: number) => bases.get(version);

  it('buffers K updates and applies their staleness-weighted mean delta', () => {
    const buffer = semiSyncBuffer({ size: 2, maxStaleness: 2 });
    const current = w(1, 2);
    expect(buffer.offer(current, update(1, 1, 4), base)).toEqual({ outcome: 'buffered' });
    // Second update is 1 version stale (weight 1/sqrt(2)) with delta 3 - 0 = 3; first: weight 1, delta 2.
    const result = buffer.offer(current, update(0, 1, 3), base);
    expect(result.outcome).toBe('applied');
    const s = 1 / Math.sqrt(2);
    const expected = 2 + (1 * 2 + s * 3) / (1 + s);
    if (result.outcome === 'applied') {
      expect(result.weights.version).toBe(2);
      expect(values(result.weights)[0]).toBeCloseTo(expected, 5);
    }
    expect(buffer.length).toBe(0);
  });
  it('refuses an update staler than the maximum', () => {
    const buffer = semiSyncBuffer({ size: 2, maxStaleness: 1 });
    expect(buffer.offer(w(3, 0), update(1, 1, 1), base)).toEqual({ outcome: 'refused' });
    expect(buffer.length).toBe(0);
  });
});
