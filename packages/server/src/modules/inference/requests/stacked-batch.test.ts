import { describe, expect, it } from 'vitest';
import type { Feeds } from '../engine/tensors.js';
import { rowRange, stackItems } from './stacked-batch.js';

const feeds = (): Feeds => ({
  x: { type: 'float32', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  ids: { type: 'int64', dims: [3, 1], data: BigInt64Array.from([10n, -(2n ** 40n), 30n]) },
  mask: { type: 'bool', dims: [3, 1], data: Uint8Array.from([1, 0, 1]) },
});

describe('stacked batches', () => {
  it('stacks prepared items of one row each into one tensor per input, and leaves anything else alone', () => {
    const item = (x: number[], ids: bigint): Feeds => ({
      x: { type: 'float32', dims: [1, 2], data: Float32Array.from(x) },
      ids: { type: 'int64', dims: [1, 1], data: BigInt64Array.from([ids]) },
    });
    const stacked = stackItems([item([1, 2], 7n), item([3, 4], 8n)])!;
    expect(stacked.x).toEqual({ type: 'float32', dims: [2, 2], data: Float32Array.from([1, 2, 3, 4]) });
    expect(stacked.ids).toEqual({ type: 'int64', dims: [2, 1], data: BigInt64Array.from([7n, 8n]) });
    const twoRows: Feeds = {
      x: { type: 'float32', dims: [2, 2], data: new Float32Array(4) },
      ids: { type: 'int64', dims: [2, 1], data: new BigInt64Array(2) },
    };
    expect(stackItems([item([1, 2], 7n), twoRows])).toBeUndefined();
    const wider: Feeds = { ...item([1, 2], 7n), x: { type: 'float32', dims: [1, 3], data: new Float32Array(3) } };
    expect(stackItems([item([1, 2], 7n), wider])).toBeUndefined();
    expect(stackItems([])).toBeUndefined();
  });

  it('cuts row ranges as views over the same memory, not copies', () => {
    const source = feeds();
    const range = rowRange(source, 1, 3);
    expect(range.x).toEqual({ type: 'float32', dims: [2, 2], data: Float32Array.from([3, 4, 5, 6]) });
    expect(range.ids!.dims).toEqual([2, 1]);
    for (const name of ['x', 'ids', 'mask'] as const) {
      expect(range[name]!.data.buffer).toBe(source[name]!.data.buffer);
      expect(range[name]!.data.byteOffset).toBe(source[name]!.data.BYTES_PER_ELEMENT * (source[name]!.data.length / 3));
    }
    source.x!.data[2] = 42;
    expect(range.x!.data[0]).toBe(42);
  });
});
