/**
 * Binary frames (protocol version 2, docs/device-protocol.md "Binary frames"): a message that carries tensors
 * (or a train-step graph) goes as one binary WebSocket frame instead of JSON text, its numbers as raw
 * little-endian bytes rather than decimal text:
 *
 *     u32 LE header length | header (UTF-8 JSON) | zero padding to 8 bytes | payload
 *
 * The header is the message itself, with every tensor's `data` (and a `graph` given as bytes) replaced by
 * `{"$bin": [offset, length]}`, a byte range of the payload (offsets 8-aligned). Decoding puts typed arrays
 * (by the tensor's `type`) and a Uint8Array graph back; the result is validated with the same schemas as a
 * JSON frame. Hand-written: it is a few lines, and a general codec (msgpack, CBOR) would still need the typed
 * arrays mapped by tensor type.
 */

/** The typed array each tensor type travels as. */
const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;
type ArrayType = keyof typeof ARRAYS;
const isArrayType = (type: unknown): type is ArrayType => typeof type === 'string' && type in ARRAYS;

const align = (n: number) => (n + 7) & ~7;

/** A number array of a tensor as its typed array (int64 from numbers, bool from booleans). */
function typed(type: ArrayType, values: readonly (number | boolean | bigint)[]): ArrayBufferView {
  if (type === 'int64') return BigInt64Array.from(values, (v) => BigInt(Math.trunc(Number(v))));
  const numbers = values.map(Number);
  return new ARRAYS[type](numbers.length).map((_, i) => numbers[i]!) as ArrayBufferView;
}

export function encodeBinaryFrame(message: object): Buffer {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const place = (view: ArrayBufferView) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    const at = offset;
    parts.push(bytes);
    offset = align(offset + bytes.byteLength);
    if (offset > at + bytes.byteLength) parts.push(new Uint8Array(offset - at - bytes.byteLength));
    return { $bin: [at, bytes.byteLength] };
  };
  const header = Buffer.from(
    JSON.stringify(message, function (this: Record<string, unknown>, key, json: unknown) {
      // The value before toJSON (a Buffer's toJSON would turn it into {type, data}).
      const value = this[key] ?? json;
      if (key === 'data' && isArrayType(this.type)) {
        if (ArrayBuffer.isView(value)) return place(value);
        if (Array.isArray(value)) return place(typed(this.type, value as (number | boolean)[]));
      }
      if (key === 'graph' && value instanceof Uint8Array) return place(value);
      return json;
    }),
  );
  const start = align(4 + header.byteLength);
  const frame = Buffer.alloc(start + offset);
  frame.writeUInt32LE(header.byteLength, 0);
  header.copy(frame, 4);
  let at = start;
  for (const part of parts) {
    frame.set(part, at);
    at += part.byteLength;
  }
  return frame;
}

/** The message of a binary frame (not yet validated); throws on a malformed frame. */
export function decodeBinaryFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new Error('binary frame shorter than its header length');
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const length = view.readUInt32LE(0);
  if (4 + length > view.byteLength) throw new Error('binary frame header runs past the frame');
  const start = align(4 + length);
  return JSON.parse(view.toString('utf8', 4, 4 + length), function (this: Record<string, unknown>, key, value) {
    const range = (value as { $bin?: unknown } | null)?.$bin;
    if (!Array.isArray(range)) return value as unknown;
    const [at, size] = range as [number, number];
    if (!Number.isInteger(at) || !Number.isInteger(size) || at < 0 || size < 0 || start + at + size > view.byteLength)
      throw new Error(`binary frame: "${key}" points outside the payload`);
    // A copy: aligned for the typed array, and independent of the socket's buffer.
    const bytes = new Uint8Array(size);
    bytes.set(view.subarray(start + at, start + at + size));
    if (key !== 'data') return bytes;
    if (!isArrayType(this.type)) throw new Error(`binary frame: tensor type ${String(this.type)} has no binary form`);
    const Array_ = ARRAYS[this.type];
    if (size % Array_.BYTES_PER_ELEMENT !== 0)
      throw new Error(`binary frame: ${size} bytes is not whole ${this.type}s`);
    return new Array_(bytes.buffer);
  });
}
