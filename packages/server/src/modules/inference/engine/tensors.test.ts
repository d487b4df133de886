/** JSON values held to what the element type can represent; stacking keeps a lone tensor's own dims. */
import { describe, expect, it } from 'vitest';
import { FLOAT32_MAX, commonRows, fromJson, stack } from './tensors.js';

describe('fromJson', () => {
  it('refuses floats that would not be finite in a float32 tensor, naming the element', () => {
    expect(fromJson('float32', [1, 1e39, 1])).toEqual({
      index: 1,
      error: expect.stringMatching(/1e\+39 is beyond the float32 range/),
    });
    expect(fromJson('float32', [-4e38])).toMatchObject({ index: 0 });
    expect(fromJson('float32', [FLOAT32_MAX, -FLOAT32_MAX])).toHaveProperty('data');
    expect(fromJson('float64', [1e39, 1e308])).toHaveProperty('data');
    expect(fromJson('float64', [Infinity])).toMatchObject({
      index: 0,
      error: expect.stringMatching(/not a finite number/),
    });
  });

  it('refuses integers out of range or not whole', () => {
    expect(fromJson('int8', [127, 128])).toMatchObject({
      index: 1,
      error: expect.stringMatching(/from -128 to 127.*int8/),
    });
    expect(fromJson('int64', [2 ** 60])).toMatchObject({ index: 0 });
    expect(fromJson('uint8', [1.5])).toMatchObject({ index: 0 });
    expect(fromJson('bool', [true, 2])).toMatchObject({ index: 1 });
  });
});

describe('stack and commonRows', () => {
  it('copies a lone scalar tensor with its own dims', () => {
    const scalar = { type: 'int64' as const, dims: [], data: BigInt64Array.from([16000n]) };
    const copy = stack([scalar], true);
    expect(copy.dims).toEqual([]);
    expect(copy.data).not.toBe(scalar.data);
    expect(Array.from(copy.data as BigInt64Array)).toEqual([16000n]);
  });

  it('finds dimension 0 only when every tensor shares it', () => {
    const f = (...dims: number[]) => ({ type: 'float32' as const, dims, data: new Float32Array(0) });
    expect(commonRows({ a: f(2, 3), b: f(2) })).toBe(2);
    expect(commonRows({ a: f(1, 16), b: f(2, 1, 128) })).toBeUndefined();
    expect(commonRows({ a: f(1, 16), b: f() })).toBeUndefined();
  });
});
