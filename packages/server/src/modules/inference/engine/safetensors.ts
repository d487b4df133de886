/**
 * Named tensors as one byte buffer in the safetensors format (huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__}`
 * padded with spaces to 8 bytes, then the little-endian element bytes. Stacked batch inputs and outputs are
 * stored this way in the blob store. Written here because the format is small and fixed, and the npm packages
 * that read it are unmaintained placeholders (`safetensors` 0.0.1) or parsers without an encoder.
 */
import { elementCount, typedArrayFrom, type ElementType, type Feeds } from './tensors.js';

const DTYPES: Record<ElementType, string> = {
  float32: 'F32',
  float64: 'F64',
  int8: 'I8',
  uint8: 'U8',
  int16: 'I16',
  uint16: 'U16',
  int32: 'I32',
  int64: 'I64',
  uint64: 'U64',
  bool: 'BOOL',
};
const TYPES = Object.fromEntries(Object.entries(DTYPES).map(([type, dtype]) => [dtype, type])) as Record<
  string,
  ElementType
>;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The tensors (in insertion order) and string metadata as one safetensors buffer. */
export function encodeSafetensors(tensors: Feeds, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    header[name] = {
      dtype: DTYPES[tensor.type],
      shape: tensor.dims,
      data_offsets: [offset, offset + tensor.data.byteLength],
    };
    offset += tensor.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((Buffer.byteLength(json) + 8) % 8)) % 8);
  const headerBytes = Buffer.from(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const tensor of Object.values(tensors)) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), at);
    at += tensor.data.byteLength;
  }
  return out;
}

/** The tensors and metadata of a safetensors buffer; throws on a buffer that is not one. */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Feeds; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new Error('not a safetensors buffer: shorter than its header length');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > bytes.byteLength) throw new Error('not a safetensors buffer: header longer than the buffer');
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8')) as Record<
    string,
    unknown
  >;
  const data = bytes.subarray(8 + headerLength);
  const tensors: Feeds = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = value as HeaderEntry;
    const type = TYPES[entry.dtype];
    if (!type) throw new Error(`safetensors tensor '${name}' has the unsupported dtype ${entry.dtype}`);
    const [begin, end] = entry.data_offsets;
    const tensor = { type, dims: entry.shape, data: typedArrayFrom(type, data.subarray(begin, end)) };
    if (tensor.data.length !== elementCount(entry.shape))
      throw new Error(
        `safetensors tensor '${name}' holds ${tensor.data.length} elements for shape [${entry.shape.join(', ')}]`,
      );
    tensors[name] = tensor;
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string> | undefined) ?? {} };
}
