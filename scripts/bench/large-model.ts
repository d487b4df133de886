/**
 * A valid ONNX model of about `bytes` bytes, built in memory for upload benchmarks and tests: one float
 * initializer `w` (raw data) summed and added to the input, so ONNX Runtime must load all of it.
 * `y[1] = x[1] + sum(w)`.
 */
import { encodeModel, node } from '../fixtures/onnx-graph.js';

export function largeOnnxModel(bytes: number): Uint8Array<ArrayBuffer> {
  const count = Math.max(1, Math.floor(bytes / 4));
  // 0x3c3c3c3c as float32 is about 0.0115: not zeros, so every page is really written.
  const raw = Buffer.alloc(count * 4, 0x3c);
  const encoded = encodeModel({
    name: 'large',
    inputs: [{ name: 'x', type: 'float32', shape: [1] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1] }],
    nodes: [node('ReduceSum', ['w'], ['s'], { keepdims: 1 }), node('Add', ['x', 's'], ['y'])],
    initializers: [{ name: 'w', dims: [count], dataType: 1, rawData: raw }],
  });
  return new Uint8Array(encoded.buffer as ArrayBuffer, encoded.byteOffset, encoded.byteLength);
}
