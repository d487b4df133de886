/**
 * Rewrites a model's float32 tensors as float64: initializers, declared inputs/outputs/value_info, Cast
 * targets and Constant values. Used to build the float64 reference graphs the gradient tests compare with
 * central finite differences; the arithmetic is the same, only the precision changes.
 */
import type { Emitter } from './emitter.js';
import { DOUBLE, FLOAT, floatAttribute, onnx, tensorValues } from './onnx.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from './onnx.js';

function toDouble(tensor: TensorProto): TensorProto {
  if (tensor.dataType !== FLOAT) return tensor;
  return { ...tensor, dataType: DOUBLE, doubleData: tensorValues(tensor), floatData: [], rawData: null };
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

/**
 * onnxruntime's CPU provider has no double kernel for LeakyRelu, so a float64 reference graph computes it as
 * Where(X > 0, X, alpha·X) under the same output name. Run after differentiation: the backward pass still
 * comes from the LeakyRelu rule.
 */
export function expandForFloat64(nodes: NodeProto[], e: Emitter): NodeProto[] {
  return nodes.flatMap((n) => {
    if (n.opType !== 'LeakyRelu') return [n];
    const [x, y] = [n.input![0]!, n.output![0]!];
    const before = e.nodes.length;
    const positive = e.op('Greater', [x, e.constant([0])]);
    const scaled = e.op('Mul', [x, e.constant([floatAttribute(n, 'alpha', 0.01)])]);
    e.op('Where', [positive, x, scaled], {}, y);
    return e.nodes.splice(before);
  });
}
