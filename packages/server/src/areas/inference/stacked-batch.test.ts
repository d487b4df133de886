import { describe, expect, it } from 'vitest';
import type { Feeds } from '../../inference/tensors.js';
import { decodeStackedResults, decodeStackedSlice, encodeStackedResults, encodeStackedSlice, rowRange, rowsPerSlice, stackedRowResult } from './stacked-batch.js';

const feeds = (): Feeds => ({
  x: { type: 'float32', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  ids: { type: 'int64', dims: [3, 1], data: BigInt64Array.from([10n, -(2n ** 40n), 30n]) },
  mask: { type: 'bool', dims: [3, 1], data: Uint8Array.from([1, 0, 1]) },
});

describe('stacked slices', () => {
  it('store rows as binary and read back the same tensors, of every element type', () => {
    const slice = rowRange(feeds(), 1, 3);
    expect(slice.x).toEqual({ type: 'float32', dims: [2, 2], data: Float32Array.from([3, 4, 5, 6]) });
    const decoded = decodeStackedSlice(JSON.parse(encodeStackedSlice(slice)))!;
    expect(decoded.x).toEqual({ type: 'float32', dims: [2, 2], data: Float32Array.from([3, 4, 5, 6]) });
    expect(decoded.ids!.data).toEqual(BigInt64Array.from([-(2n ** 40n), 30n]));
    expect(decoded.mask!.data).toEqual(Uint8Array.from([0, 1]));
    // Decoded arrays own their memory: they can be transferred to a worker thread on their own.
    expect(decoded.x!.data.byteOffset).toBe(0);
    expect(decoded.x!.data.buffer.byteLength).toBe(16);
  });

  it('tells stacked slices from slices of inputs items', () => {
    expect(decodeStackedSlice([{ data: [1], shape: [1, 1] }])).toBeUndefined();
    expect(decodeStackedSlice({ data: [1], shape: [1, 1] })).toBeUndefined();
    expect(decodeStackedResults([{ status: 'completed', result: null, error: null }])).toBeUndefined();
  });

  it('keeps raw outputs whole and cuts one task’s {data, shape} result out of them on read', () => {
    const outputs: Feeds = { probabilities: { type: 'float32', dims: [2, 3], data: Float32Array.from([0.5, 0.25, 0.25, 0.125, 0.125, 0.75]) } };
    const stored = decodeStackedResults(JSON.parse(encodeStackedResults({ rows: 2, order: ['probabilities'], outputs })))!;
    expect(stackedRowResult(stored, 1)).toEqual({ data: [0.125, 0.125, 0.75], shape: [1, 3] });
    const two: Feeds = { ...outputs, logits: { type: 'float32', dims: [2, 1], data: Float32Array.from([7, 8]) } };
    const named = decodeStackedResults(JSON.parse(encodeStackedResults({ rows: 2, order: ['logits', 'probabilities'], outputs: two })))!;
    expect(stackedRowResult(named, 0)).toEqual({ outputs: { logits: { data: [7], shape: [1, 1] }, probabilities: { data: [0.5, 0.25, 0.25], shape: [1, 3] } } });
  });

  it('sizes slices by input bytes, between 16 and 65,536 rows', () => {
    const rows = (bytesPerRow: number, sliceBytes?: number) => rowsPerSlice({ x: { type: 'uint8', dims: [4, bytesPerRow], data: new Uint8Array(4 * bytesPerRow) } }, 4, sliceBytes);
    expect(rows(16)).toBe(16_384);
    expect(rows(16, 800)).toBe(50);
    expect(rows(1)).toBe(65_536);
    expect(rows(600_000)).toBe(16);
  });
});
