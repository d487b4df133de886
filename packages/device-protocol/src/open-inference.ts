/**
 * The KServe v2 / Open Inference Protocol over gRPC (`inference.GRPCInferenceService`), loaded at run time
 * from the protocol's definition (`proto/open-inference.proto`, written here from the protocol's specification) with
 * @grpc/proto-loader, so the worker's server, the platform's client and the tests all speak the one
 * definition. Also the tensor codec both sides use: the protocol's datatype names and its raw
 * (little-endian, row-major) tensor bytes to and from the device protocol's JSON tensors.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { numbersOf, type WireTensor } from './index.js';

/** The .proto file (beside `src/` and `dist/` alike). */
export const PROTO_PATH = fileURLToPath(new URL('../proto/open-inference.proto', import.meta.url));

/** The message shapes as proto-loader gives them (keepCase, longs as numbers, defaults filled in). */
export interface InferParameter {
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  parameter_choice?: string;
}
export interface InferTensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: number[];
  uint_contents?: number[];
  uint64_contents?: number[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}
export interface InferTensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, InferParameter>;
  contents?: InferTensorContents | null;
}
export interface ModelInferRequest {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, InferParameter>;
  inputs: InferTensor[];
  outputs?: { name: string }[];
  raw_input_contents?: Uint8Array[];
}
export interface ModelInferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: InferTensor[];
  raw_output_contents?: Uint8Array[];
}

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The service definition and a client constructor (`new Client(address, credentials)`). */
export function loadInferenceService() {
  const definition = protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    inference: { GRPCInferenceService: grpc.ServiceClientConstructor };
  };
  return loaded.inference.GRPCInferenceService;
}

/** ONNX Runtime element types and the protocol's datatype names. */
const TO_V2: Record<string, string> = {
  float32: 'FP32',
  float64: 'FP64',
  int8: 'INT8',
  uint8: 'UINT8',
  int16: 'INT16',
  uint16: 'UINT16',
  int32: 'INT32',
  uint32: 'UINT32',
  int64: 'INT64',
  uint64: 'UINT64',
  bool: 'BOOL',
};
const FROM_V2 = Object.fromEntries(Object.entries(TO_V2).map(([element, v2]) => [v2, element]));

export const toV2Datatype = (type: string): string | undefined => TO_V2[type];
export const fromV2Datatype = (datatype: string): string | undefined => FROM_V2[datatype];

const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

/** Raw tensor bytes (little-endian, row-major) as a typed array of the element type (a copy). */
export function rawToTyped(type: string, bytes: Uint8Array) {
  const Array = ARRAYS[type as keyof typeof ARRAYS];
  if (!Array) throw new Error(`tensor type ${type} is not supported`);
  if (bytes.byteLength % Array.BYTES_PER_ELEMENT !== 0)
    throw new Error(`${bytes.byteLength} raw bytes are not a whole number of ${type} elements`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Array(copy.buffer);
}

/** A v2 tensor (raw bytes, or typed `contents`) as a device-protocol tensor. */
export function v2ToWire(tensor: InferTensor, raw: Uint8Array | undefined): WireTensor {
  const type = fromV2Datatype(tensor.datatype);
  if (!type) throw new Error(`input ${tensor.name}: datatype ${tensor.datatype} is not supported`);
  const dims = tensor.shape.map(Number);
  let data: (number | boolean)[];
  if (raw !== undefined) {
    data = Array.from(rawToTyped(type, raw) as ArrayLike<number | bigint>, Number);
  } else {
    const c = tensor.contents ?? {};
    const values =
      type === 'bool'
        ? c.bool_contents
        : type === 'float32'
          ? c.fp32_contents
          : type === 'float64'
            ? c.fp64_contents
            : type === 'int64'
              ? c.int64_contents
              : type === 'uint64'
                ? c.uint64_contents
                : type.startsWith('uint')
                  ? c.uint_contents
                  : c.int_contents;
    data = (values ?? []).map((value) => (typeof value === 'boolean' ? value : Number(value)));
  }
  if (type === 'bool') data = data.map((value) => value === true || value === 1);
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (data.length !== expected)
    throw new Error(`input ${tensor.name}: ${data.length} values do not fill the shape [${dims.join(', ')}]`);
  return { type, dims, data };
}

/** A device-protocol tensor as raw tensor bytes. */
export function wireToRaw(tensor: WireTensor): Uint8Array {
  const Array = ARRAYS[tensor.type as keyof typeof ARRAYS];
  if (!Array) throw new Error(`tensor type ${tensor.type} is not supported`);
  // Binary frames (protocol version 2) carry typed arrays already; JSON frames carry plain numbers.
  if (tensor.data instanceof Array)
    return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const values = numbersOf(tensor.data);
  const typed =
    Array === BigInt64Array || Array === BigUint64Array
      ? new Array(values.map((value) => BigInt(Math.trunc(value))))
      : new (Array as Float64ArrayConstructor)(values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}
