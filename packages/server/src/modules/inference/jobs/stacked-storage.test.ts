import { describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../engine/safetensors.js';
import type { Feeds } from '../engine/tensors.js';
import { createMemoryBlobStore } from '../../../platform/storage/memory-blob-store.js';
import {
  createStackedInputCache,
  loadStackedResults,
  loadStackedSlice,
  rowsPerSlice,
  stackedRowItem,
  stackedSliceText,
  storeStackedInput,
  storeStackedResults,
  storeStackedSlices,
} from './stacked-storage.js';

const feeds = (): Feeds => ({
  x: { type: 'float32', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  ids: { type: 'int64', dims: [3, 1], data: BigInt64Array.from([10n, -(2n ** 40n), 30n]) },
  mask: { type: 'bool', dims: [3, 1], data: Uint8Array.from([1, 0, 1]) },
});

describe('stacked batch storage', () => {
  it('store the input once as a blob; a slice reads back its rows, of every element type', async () => {
    const blobs = createMemoryBlobStore();
    const checksum = await storeStackedInput(blobs, feeds());
    expect((await blobs.stats()).files).toBe(1);
    const cache = createStackedInputCache(blobs);
    const slice = (await loadStackedSlice(JSON.parse(stackedSliceText(checksum, 1, 3)), cache))!;
    expect(slice.x).toEqual({ type: 'float32', dims: [2, 2], data: Float32Array.from([3, 4, 5, 6]) });
    expect(slice.ids!.data).toEqual(BigInt64Array.from([-(2n ** 40n), 30n]));
    expect(slice.mask!.data).toEqual(Uint8Array.from([0, 1]));
    const first = (await loadStackedSlice(JSON.parse(stackedSliceText(checksum, 0, 1)), cache))!;
    expect(first.x).toEqual({ type: 'float32', dims: [1, 2], data: Float32Array.from([1, 2]) });
  });

  it('reads each blob once while it stays in the cache, and evicts beyond its byte limit', async () => {
    const blobs = createMemoryBlobStore();
    let reads = 0;
    const counting = { ...blobs, get: (checksum: string) => ((reads += 1), blobs.get(checksum)) };
    const a = await storeStackedInput(blobs, feeds());
    const b = await storeStackedInput(blobs, { x: { type: 'float32', dims: [1, 2], data: Float32Array.from([9, 9]) } });
    const size = (await blobs.get(a)).byteLength;
    const cache = createStackedInputCache(counting, size + 1);
    await Promise.all([cache.get(a), cache.get(a)]);
    await cache.get(a);
    expect(reads).toBe(1);
    await cache.get(b); // a and b together pass the limit: a, the least recently used, goes
    await cache.get(b);
    expect(reads).toBe(2);
    await cache.get(a);
    expect(reads).toBe(3);
  });

  it('fails a slice whose blob is gone with the store’s error, and retries the read next time', async () => {
    const blobs = createMemoryBlobStore();
    const cache = createStackedInputCache(blobs);
    const missing = `sha256:${'0'.repeat(64)}`;
    await expect(loadStackedSlice({ stacked_blob: { checksum: missing, start: 0, end: 1 } }, cache)).rejects.toThrow();
    const checksum = await blobs.put(encodeSafetensors(feeds()));
    expect((await cache.get(checksum.checksum)).x!.dims).toEqual([3, 2]);
  });

  it('tells stacked slices from slices of inputs items', async () => {
    const blobs = createMemoryBlobStore();
    expect(await loadStackedSlice([{ data: [1], shape: [1, 1] }], createStackedInputCache(blobs))).toBeUndefined();
    expect(await loadStackedSlice({ data: [1], shape: [1, 1] }, createStackedInputCache(blobs))).toBeUndefined();
    expect(await loadStackedResults([{ status: 'completed', result: null, error: null }], blobs)).toBeUndefined();
  });

  it('keeps raw outputs whole in a blob and cuts one task’s {data, shape} result out of them on read', async () => {
    const blobs = createMemoryBlobStore();
    const outputs: Feeds = {
      probabilities: { type: 'float32', dims: [2, 3], data: Float32Array.from([0.5, 0.25, 0.25, 0.125, 0.125, 0.75]) },
    };
    const stored = await storeStackedResults(blobs, { rows: 2, order: ['probabilities'], outputs });
    expect(stored).toMatchObject({ tasks: 2, failed: 0, firstError: null });
    expect(stored.text.length).toBeLessThan(200); // a reference, not the data
    const read = (await loadStackedResults(JSON.parse(stored.text), blobs))!;
    expect(stackedRowItem(read, 1).result).toEqual({ data: [0.125, 0.125, 0.75], shape: [1, 3] });
    const two: Feeds = { ...outputs, logits: { type: 'float32', dims: [2, 1], data: Float32Array.from([7, 8]) } };
    const named = (await loadStackedResults(
      JSON.parse(
        (await storeStackedResults(blobs, { rows: 2, order: ['logits', 'probabilities'], outputs: two })).text,
      ),
      blobs,
    ))!;
    expect(stackedRowItem(named, 0).result).toEqual({
      outputs: { logits: { data: [7], shape: [1, 1] }, probabilities: { data: [0.5, 0.25, 0.25], shape: [1, 3] } },
    });
  });

  it('counts rows whose outputs are not finite as failed, and reads them as failed, not as nulls', async () => {
    const blobs = createMemoryBlobStore();
    const outputs: Feeds = {
      y: { type: 'float32', dims: [3, 2], data: Float32Array.from([1, 2, Infinity, 1, 3, NaN]) },
    };
    const stored = await storeStackedResults(blobs, { rows: 3, order: ['y'], outputs });
    expect(stored).toMatchObject({
      tasks: 3,
      failed: 2,
      firstError: expect.stringMatching(/^NON_FINITE_RESULT: output 'y' element 0 is Infinity/),
    });
    const read = (await loadStackedResults(JSON.parse(stored.text), blobs))!;
    expect(stackedRowItem(read, 0)).toEqual({
      status: 'completed',
      result: { data: [1, 2], shape: [1, 2] },
      error: null,
    });
    expect(stackedRowItem(read, 2)).toEqual({
      status: 'failed',
      result: null,
      error: expect.stringMatching(/^NON_FINITE_RESULT: output 'y' element 1 is NaN/),
    });
  });

  it('sizes slices by input bytes, between 16 and 65,536 rows', () => {
    const rows = (bytesPerRow: number, sliceBytes?: number) =>
      rowsPerSlice(
        { x: { type: 'uint8', dims: [4, bytesPerRow], data: new Uint8Array(4 * bytesPerRow) } },
        4,
        sliceBytes,
      );
    expect(rows(16)).toBe(65_536);
    expect(rows(256)).toBe(4_096);
    expect(rows(16, 800)).toBe(50);
    expect(rows(1)).toBe(65_536);
    expect(rows(600_000)).toBe(16);
  });

  it('stores the input once and cuts slices of about the given bytes', async () => {
    const blobs = createMemoryBlobStore();
    const rows = 40;
    const input: Feeds = {
      x: { type: 'float32', dims: [rows, 4], data: Float32Array.from({ length: rows * 4 }, (_, i) => i) },
    };
    const slices = await storeStackedSlices(blobs, input, rows, 16 * 16);
    expect(slices.map((slice) => slice.itemCount)).toEqual([16, 16, 8]);
    expect((await blobs.stats()).files).toBe(1);
    const last = (await loadStackedSlice(JSON.parse(slices[2]!.items), createStackedInputCache(blobs)))!;
    expect(Array.from(last.x!.data as Float32Array).slice(0, 4)).toEqual([128, 129, 130, 131]);
  });
});
