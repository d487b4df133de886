import { afterEach, describe, expect, it, vi } from 'vitest';
import { tensorBase64 } from './tensor-base64.js';

describe('tensorBase64', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('encodes the little-endian element bytes of the array (and only its view of a larger buffer)', () => {
    expect(tensorBase64(Float32Array.from([1, -2]), [1, 2])).toEqual({ data_base64: 'AACAPwAAAMA=', shape: [1, 2] });
    const backing = BigInt64Array.from([9n, -1n, 2n ** 40n, 9n]);
    const { data_base64 } = tensorBase64(backing.subarray(1, 3), [2]);
    expect(Buffer.from(data_base64, 'base64')).toEqual(Buffer.from(BigInt64Array.from([-1n, 2n ** 40n]).buffer));
  });

  it('gives the same text without Buffer (browsers), in chunks for large arrays', () => {
    const values = Float64Array.from({ length: 20_000 }, (_, i) => i / 7);
    const withBuffer = tensorBase64(values, [20_000]).data_base64;
    vi.stubGlobal('Buffer', undefined);
    expect(tensorBase64(values, [20_000]).data_base64).toBe(withBuffer);
  });

  it('refuses a shape that does not match the element count', () => {
    expect(() => tensorBase64(new Float32Array(8), [3, 4])).toThrow(/needs 12 elements, the array has 8/);
  });
});
