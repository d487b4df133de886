/**
 * Tensor encoding helper (`@computeplane/sdk/inference`). `tensorBase64()`: a typed array as a tensor
 * input with its elements as base64 bytes (`data_base64`), the fast form for large tensors and stacked batches: the server decodes it in one step instead of parsing a
 * JSON number per element. Works in Node.js (Buffer) and browsers (btoa).
 */

export type TensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The element bytes little-endian, as the server reads them (a copy with each element reversed on big-endian hosts). */
function littleEndianBytes(data: TensorArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (littleEndian || data.BYTES_PER_ELEMENT === 1) return bytes;
  const size = data.BYTES_PER_ELEMENT;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) swapped[i + j] = bytes[i + size - 1 - j]!;
  return swapped;
}

function toBase64(bytes: Uint8Array): string {
  const NodeBuffer = (
    globalThis as {
      Buffer?: {
        from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string };
      };
    }
  ).Buffer;
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * A tensor input `{data_base64, shape}` from a typed array of the model input's element type (a
 * Float32Array for a float32 input, a BigInt64Array for int64, a Uint8Array of 0/1 for bool).
 *
 * @example
 * const rows = new Float32Array(100_000 * 4); // 100,000 tasks of 4 features
 * await submitBatchInference(client, { body: { model_id, stacked_input: tensorBase64(rows, [100_000, 4]) } });
 */
export function tensorBase64(data: TensorArray, shape: number[]): { data_base64: string; shape: number[] } {
  const elements = shape.reduce((product, dim) => product * dim, 1);
  if (elements !== data.length)
    throw new RangeError(`shape [${shape.join(', ')}] needs ${elements} elements, the array has ${data.length}`);
  return { data_base64: toBase64(littleEndianBytes(data)), shape };
}
