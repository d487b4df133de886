/**
 * Tensors as they travel between the HTTP layer and the worker threads: an element type (ONNX Runtime's
 * names), dimensions, and a typed array. Conversion from and to JSON numbers, and stacking/splitting
 * along the first (batch) dimension for the dynamic batcher.
 */

export type ElementType =
  'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'int64' | 'uint64' | 'bool';
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array;

export interface TensorData {
  type: ElementType;
  dims: number[];
  data: TypedArray;
}

export type Feeds = Record<string, TensorData>;

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

const INTEGER_RANGES: Partial<Record<ElementType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

export const isSupportedType = (type: string): type is ElementType => type in ARRAYS;

/** A typed array of `type` over a copy of `bytes` (little-endian element bytes, as typed arrays hold them here). */
export function typedArrayFrom(type: ElementType, bytes: Uint8Array): TypedArray {
  const Array = ARRAYS[type];
  if (bytes.byteLength % Array.BYTES_PER_ELEMENT !== 0)
    throw new Error(`${bytes.byteLength} bytes are not a whole number of ${type} elements`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Array(copy.buffer);
}
export const elementCount = (dims: readonly number[]) => dims.reduce((product, dim) => product * dim, 1);

/** A conversion's result: the typed array, or the first element that does not fit and why. */
export type Converted = { data: TypedArray } | { index: number; error: string };

/** The largest finite float32 (FLT_MAX): a JSON number beyond it becomes Infinity in a float32 tensor. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * JSON values to a typed array of `type`. Every value must be representable: floats finite in the element
 * type (a float32 input rounds to float32, so 1e39 would become Infinity), integers whole and within the
 * type's range, bools true/false or 0/1. Returns the first offending element instead of throwing, so the
 * caller can report it as a 400.
 */
export function fromJson(type: ElementType, values: readonly unknown[]): Converted {
  const length = values.length;
  if (type === 'bool') {
    const data = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const value = values[i];
      if (typeof value === 'boolean') data[i] = value ? 1 : 0;
      else if (value === 0 || value === 1) data[i] = value;
      else return { index: i, error: `${String(value)} is not a boolean (or 0/1), which a bool input takes` };
    }
    return { data };
  }
  const range = INTEGER_RANGES[type];
  if (range) {
    const [min, max] = range;
    const data = new ARRAYS[type](length);
    const big = type === 'int64' || type === 'uint64';
    for (let i = 0; i < length; i++) {
      const value = values[i];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        return {
          index: i,
          error: `${String(value)} is not an integer from ${min} to ${max}, which a ${type} input takes`,
        };
      }
      (data as unknown as (number | bigint)[])[i] = big ? BigInt(value) : value;
    }
    return { data };
  }
  const data = new ARRAYS[type as 'float32' | 'float64'](length);
  for (let i = 0; i < length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return { index: i, error: `${String(value)} is not a finite number, which a ${type} input takes` };
    data[i] = value;
    if (!Number.isFinite(data[i]))
      return {
        index: i,
        error: `${value} is beyond the ${type} range (magnitude at most ${FLOAT32_MAX}); it would become ${data[i]}`,
      };
  }
  return { data };
}

/** Bytes per element of `type`. */
export const bytesPerElement = (type: ElementType): number => ARRAYS[type].BYTES_PER_ELEMENT;

/**
 * Little-endian element bytes (a decoded `data_base64`) to a typed array of `type`, held to what the JSON
 * form allows: floats finite (NaN and Infinity bit patterns are refused), bools 0 or 1. Returns the first
 * offending element.
 */
export function fromBytes(type: ElementType, bytes: Uint8Array): Converted {
  const data = typedArrayFrom(type, bytes);
  if (type === 'bool') {
    const bad = (data as Uint8Array).findIndex((value) => value > 1);
    if (bad >= 0)
      return {
        index: bad,
        error: `element ${bad} is the byte ${(data as Uint8Array)[bad]}; a bool input takes 0 or 1`,
      };
  } else if (type === 'float32' || type === 'float64') {
    const values = data as Float32Array | Float64Array;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]))
        return { index: i, error: `element ${i} is ${values[i]}; a ${type} input takes finite numbers` };
    }
  }
  return { data };
}

/** A typed array back to JSON numbers (64-bit integers beyond 2^53 lose precision, as in JSON itself). */
export function toJson(tensor: TensorData): number[] | boolean[] {
  if (tensor.type === 'bool') return Array.from(tensor.data as Uint8Array, (value) => value !== 0);
  if (tensor.data instanceof BigInt64Array || tensor.data instanceof BigUint64Array)
    return Array.from(tensor.data, Number);
  return Array.from(tensor.data as Float32Array);
}

/**
 * Concatenates tensors along dimension 0 (all other dimensions equal, same type). With `copy`, a single
 * tensor is copied too, so the inputs stay usable after the result is transferred to a worker.
 */
export function stack(tensors: readonly TensorData[], copy = false): TensorData {
  const first = tensors[0]!;
  if (tensors.length === 1)
    return copy ? { type: first.type, dims: [...first.dims], data: first.data.slice() as TypedArray } : first;
  const rows = tensors.reduce((sum, tensor) => sum + tensor.dims[0]!, 0);
  const data = new ARRAYS[first.type](tensors.reduce((sum, tensor) => sum + tensor.data.length, 0));
  let offset = 0;
  for (const tensor of tensors) {
    (data as Float32Array).set(tensor.data as Float32Array, offset);
    offset += tensor.data.length;
  }
  return { type: first.type, dims: [rows, ...first.dims.slice(1)], data };
}

/** Splits a tensor along dimension 0 into pieces of the given row counts. */
export function split(tensor: TensorData, rowCounts: readonly number[]): TensorData[] {
  const rowSize = tensor.dims[0] ? tensor.data.length / tensor.dims[0] : 0;
  let offset = 0;
  return rowCounts.map((rows) => {
    const length = rows * rowSize;
    const data = tensor.data.slice(offset, offset + length) as TypedArray;
    offset += length;
    return { type: tensor.type, dims: [rows, ...tensor.dims.slice(1)], data };
  });
}

/** Dimension 0 shared by every tensor (each of rank 1 or more), or undefined when they do not share one. */
export function commonRows(feeds: Feeds): number | undefined {
  let rows: number | undefined;
  for (const name in feeds) {
    const dims = feeds[name]!.dims;
    if (dims.length === 0 || (rows !== undefined && dims[0] !== rows)) return undefined;
    rows = dims[0];
  }
  return rows;
}

/** A key that is equal for requests whose tensors can be stacked: same names, types and trailing dims. */
export function stackKey(feeds: Feeds): string {
  return Object.keys(feeds)
    .sort()
    .map((name) => `${name}:${feeds[name]!.type}:${feeds[name]!.dims.slice(1).join('x')}`)
    .join('|');
}
