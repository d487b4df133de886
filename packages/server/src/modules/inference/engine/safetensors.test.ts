import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { Feeds } from './tensors.js';

describe('safetensors', () => {
  it('writes the documented layout: u64 header length, JSON header padded to 8 bytes, then the data', () => {
    const bytes = encodeSafetensors(
      { w: { type: 'float32', dims: [2], data: Float32Array.from([1, -2]) } },
      { k: 'v' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString());
    expect(header).toEqual({ __metadata__: { k: 'v' }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect(Array.from(new Float32Array(bytes.slice(8 + headerLength).buffer))).toEqual([1, -2]);
  });

  it('reads a buffer built by hand from the format description', () => {
    const header = Buffer.from(
      JSON.stringify({
        a: { dtype: 'I64', shape: [1, 2], data_offsets: [0, 16] },
        b: { dtype: 'U8', shape: [3], data_offsets: [16, 19] },
      }),
    );
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    const data = Buffer.alloc(19);
    data.writeBigInt64LE(-5n, 0);
    data.writeBigInt64LE(2n ** 40n, 8);
    data.set([7, 8, 9], 16);
    const { tensors, metadata } = decodeSafetensors(Buffer.concat([length, header, data]));
    expect(metadata).toEqual({});
    expect(tensors.a).toEqual({ type: 'int64', dims: [1, 2], data: BigInt64Array.from([-5n, 2n ** 40n]) });
    expect(tensors.b).toEqual({ type: 'uint8', dims: [3], data: Uint8Array.from([7, 8, 9]) });
  });

  it('round-trips every element type, including views into larger buffers', () => {
    const backing = new Float64Array([0, 1.5, -2.25, 9]);
    const feeds: Feeds = {
      f64: { type: 'float64', dims: [2], data: backing.subarray(1, 3) },
      i8: { type: 'int8', dims: [2], data: Int8Array.from([-1, 1]) },
      i16: { type: 'int16', dims: [1], data: Int16Array.from([-300]) },
      u16: { type: 'uint16', dims: [1], data: Uint16Array.from([60000]) },
      i32: { type: 'int32', dims: [1], data: Int32Array.from([-7]) },
      u64: { type: 'uint64', dims: [1], data: BigUint64Array.from([2n ** 63n]) },
      bool: { type: 'bool', dims: [2, 1], data: Uint8Array.from([1, 0]) },
    };
    expect(decodeSafetensors(encodeSafetensors(feeds)).tensors).toEqual(feeds);
  });

  it('refuses what is not a safetensors buffer', () => {
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/shorter/);
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(1000n);
    expect(() => decodeSafetensors(huge)).toThrow(/header longer/);
    const header = Buffer.from(JSON.stringify({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    expect(() => decodeSafetensors(Buffer.concat([length, header, Buffer.alloc(8)]))).toThrow(
      /2 elements for shape \[3\]/,
    );
  });
});
