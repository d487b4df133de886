import { describe, expect, it } from 'vitest';
import { loadInferenceService, rawToTyped, v2ToWire, wireToRaw } from './open-inference.js';

describe('Open Inference Protocol codec', () => {
  it('loads the service with the protocol methods', () => {
    const methods = Object.keys(loadInferenceService().service);
    expect(methods.sort()).toEqual(
      ['ModelInfer', 'ModelMetadata', 'ModelReady', 'ServerLive', 'ServerMetadata', 'ServerReady'].sort(),
    );
  });

  it('round-trips tensors through raw bytes exactly', () => {
    const floats = { type: 'float32', dims: [2, 2], data: [0.1, -2.5, 3.4028234663852886e38, 1e-7] };
    const raw = wireToRaw(floats);
    expect(raw.byteLength).toBe(16);
    const back = v2ToWire({ name: 'x', datatype: 'FP32', shape: [2, 2] }, raw);
    expect(back.data).toEqual(Array.from(Float32Array.from(floats.data)));
    const ints = wireToRaw({ type: 'int64', dims: [2], data: [-3, 2 ** 40] });
    expect(Array.from(rawToTyped('int64', ints) as BigInt64Array)).toEqual([-3n, 2n ** 40n]);
    expect(v2ToWire({ name: 'b', datatype: 'BOOL', shape: [2] }, Uint8Array.from([1, 0])).data).toEqual([true, false]);
  });

  it('reads typed contents, and refuses shapes the values do not fill and unknown datatypes', () => {
    expect(
      v2ToWire({ name: 'x', datatype: 'INT32', shape: [3], contents: { int_contents: [1, 2, 3] } }, undefined),
    ).toEqual({ type: 'int32', dims: [3], data: [1, 2, 3] });
    expect(() =>
      v2ToWire({ name: 'x', datatype: 'FP32', shape: [4], contents: { fp32_contents: [1] } }, undefined),
    ).toThrow(/1 values do not fill the shape \[4\]/);
    expect(() => v2ToWire({ name: 'x', datatype: 'BF16', shape: [1] }, new Uint8Array(2))).toThrow(
      /BF16 is not supported/,
    );
  });
});
