/**
 * Tensors on the wire (`{type, dims, data}`: JSON numbers, or from a binary frame the typed array of the
 * type) to and from onnxruntime-node tensors. Numeric outputs go back as typed arrays: a binary frame sends
 * their bytes, a JSON frame writes them as numbers.
 */
import { numbersOf, type WireTensor } from '@computeplane/device-protocol';
import { Tensor } from 'onnxruntime-node';

const TYPED = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;

export function fromWire(tensor: WireTensor): Tensor {
  const Typed = TYPED[tensor.type as keyof typeof TYPED];
  if (Typed && tensor.data instanceof Typed)
    return new Tensor(tensor.type as keyof typeof TYPED, tensor.data, tensor.dims);
  const numbers = numbersOf(tensor.data);
  switch (tensor.type) {
    case 'float32':
      return new Tensor('float32', Float32Array.from(numbers), tensor.dims);
    case 'float64':
      return new Tensor('float64', Float64Array.from(numbers), tensor.dims);
    case 'int32':
      return new Tensor('int32', Int32Array.from(numbers), tensor.dims);
    case 'int64':
      return new Tensor('int64', BigInt64Array.from(numbers.map((value) => BigInt(Math.trunc(value)))), tensor.dims);
    case 'int8':
      return new Tensor('int8', Int8Array.from(numbers), tensor.dims);
    case 'uint8':
      return new Tensor('uint8', Uint8Array.from(numbers), tensor.dims);
    case 'bool':
      return new Tensor('bool', Uint8Array.from(numbers.map((value) => (value ? 1 : 0))), tensor.dims);
    default:
      throw new Error(`tensor type ${tensor.type} is not supported on this device`);
  }
}

export function toWire(tensor: Tensor): WireTensor {
  const data = tensor.data;
  const Typed = TYPED[tensor.type as keyof typeof TYPED];
  if (Typed && data instanceof Typed) return { type: tensor.type, dims: [...tensor.dims], data: data.slice() };
  if (typeof data === 'object' && data !== null && 'length' in data && typeof tensor.type === 'string') {
    const values = Array.from(data as ArrayLike<number | bigint | string>, (value) =>
      typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number.NaN : value,
    );
    return {
      type: tensor.type,
      dims: [...tensor.dims],
      data: tensor.type === 'bool' ? values.map((value) => value !== 0) : values,
    };
  }
  throw new Error(`output of type ${tensor.type} cannot be sent`);
}
