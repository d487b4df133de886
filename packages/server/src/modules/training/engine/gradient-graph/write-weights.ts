/**
 * writeWeights: a copy of the inference model with some float initializers replaced by trained values (same
 * names, dims and element type), which onnxruntime loads and runs like the original.
 */
import { GradientGraphError } from './errors.js';
import { FLOAT, decodeModel, dimsOf, encodeModel } from './onnx.js';

export function writeWeights(modelBytes: Uint8Array, weights: Readonly<Record<string, Float32Array>>): Uint8Array {
  const model = decodeModel(modelBytes);
  const initializers = model.graph?.initializer ?? [];
  for (const [name, values] of Object.entries(weights)) {
    const tensor = initializers.find((t) => t.name === name);
    if (!tensor) throw new GradientGraphError(`the model has no initializer named "${name}"`);
    if (tensor.dataType !== FLOAT) throw new GradientGraphError(`initializer "${name}" is not float32`);
    const size = dimsOf(tensor).reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new GradientGraphError(`initializer "${name}" has ${size} values; ${values.length} were given`);
    }
    // raw_data is little-endian; a Float32Array's bytes are too on every platform Node runs on here (x64, arm64).
    tensor.floatData = [];
    tensor.rawData = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  }
  return encodeModel(model);
}
