/**
 * Rewrites a model's float32 tensors as float64: initializers, declared inputs/outputs/value_info, Cast
 * targets and Constant values. Used to build the float64 reference graphs the gradient tests compare with
 * central finite differences; the arithmetic is the same, only the precision changes.
 */
import { DOUBLE, FLOAT, onnx, tensorValues, type ModelProto, type TensorProto, type ValueInfoProto } from './onnx.js';

function toDouble(tensor: TensorProto): TensorProto {
  if (tensor.dataType !== FLOAT) return tensor;
  return { ...tensor, dataType: DOUBLE, doubleData: tensorValues(tensor), floatData: [], rawData: new Uint8Array() };
}

function valueToDouble(value: ValueInfoProto): ValueInfoProto {
  const tensor = value.type?.tensorType;
  if (tensor?.elemType !== FLOAT) return value;
  return { ...value, type: { ...value.type, tensorType: { ...tensor, elemType: DOUBLE } } };
}

export function modelToFloat64(model: ModelProto): ModelProto {
  const graph = model.graph ?? {};
  const node = (graph.node ?? []).map((n) => ({
    ...n,
    attribute: (n.attribute ?? []).map((a) => {
      if (n.opType === 'Cast' && a.name === 'to' && Number(a.i) === FLOAT) return { ...a, i: DOUBLE };
      if (a.t) return { ...a, t: toDouble(a.t) };
      return a;
    }),
  }));
  return onnx.ModelProto.fromObject({
    ...model,
    graph: {
      ...graph,
      node,
      initializer: (graph.initializer ?? []).map(toDouble),
      input: (graph.input ?? []).map(valueToDouble),
      output: (graph.output ?? []).map(valueToDouble),
      valueInfo: (graph.valueInfo ?? []).map(valueToDouble),
    },
  });
}
