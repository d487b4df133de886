/**
 * The ONNX protobuf schema (onnx-proto) and the few element-type facts the builder needs: which tensor
 * element types are floating point, and how to read an initializer's values whichever field holds them.
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

export const toNumber = (value: number | { toNumber(): number } | null | undefined): number =>
  value == null ? 0 : typeof value === 'number' ? value : value.toNumber();

export function dimsOf(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(toNumber);
}

/** The values of a FLOAT, DOUBLE or INT64 initializer, from its typed field or its little-endian raw_data. */
export function tensorValues(tensor: TensorProto): number[] {
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const size = tensor.dataType === FLOAT ? 4 : 8;
    return Array.from({ length: raw.byteLength / size }, (_, i) =>
      tensor.dataType === FLOAT
        ? view.getFloat32(i * size, true)
        : tensor.dataType === DOUBLE
          ? view.getFloat64(i * size, true)
          : Number(view.getBigInt64(i * size, true)),
    );
  }
  if (tensor.dataType === FLOAT) return tensor.floatData ?? [];
  if (tensor.dataType === DOUBLE) return tensor.doubleData ?? [];
  return (tensor.int64Data ?? []).map(toNumber);
}

export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found ? toNumber(found.i) : fallback;
}

export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found ? (found.f ?? 0) : fallback;
}

export function nodeLabel(node: NodeProto, index: number): string {
  return node.name || `${node.opType}#${index}`;
}
