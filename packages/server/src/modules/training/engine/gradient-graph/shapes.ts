/**
 * Static shape and element-type inference over the operators the builder knows, enough to pick the axes a
 * broadcast gradient is summed over and the rank of a transpose. A dimension is a number when it is fixed
 * in the model and `null` when it is free (a batch dimension) or not computable without running the graph.
 */
import { dimsOf, intAttribute, tensorValues, toNumber, type GraphProto, type NodeProto } from './onnx.js';

export type Dims = (number | null)[];
export interface TensorInfo {
  type?: number;
  dims?: Dims;
}

const SAME_AS_INPUT = new Set([
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'LogSoftmax',
  'Identity',
  'Dropout',
  'Neg',
  'Exp',
  'Sign',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div']);

/** numpy broadcasting of two shapes; `null` where the result cannot be known statically. */
export function broadcastDims(a: Dims, b: Dims): Dims {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[i - (rank - a.length)] ?? 1;
    const y = b[i - (rank - b.length)] ?? 1;
    if (x === 1) return y;
    if (y === 1) return x;
    return x ?? y;
  });
}

function product(dims: Dims): number | null {
  return dims.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
}

function inferNode(node: NodeProto, info: Map<string, TensorInfo>, constants: Map<string, number[]>): TensorInfo {
  const input = (i: number) => info.get(node.input?.[i] ?? '') ?? {};
  const x = input(0);
  const op = node.opType ?? '';
  if (SAME_AS_INPUT.has(op)) return { ...x };
  if (op === 'Cast') return { dims: x.dims, type: intAttribute(node, 'to', 0) };
  if (BROADCAST.has(op)) {
    const y = input(1);
    return { type: x.type ?? y.type, dims: x.dims && y.dims ? broadcastDims(x.dims, y.dims) : undefined };
  }
  if (op === 'MatMul') {
    const y = input(1);
    if (!x.dims || !y.dims || x.dims.length < 2 || y.dims.length < 2) return { type: x.type };
    const batch = broadcastDims(x.dims.slice(0, -2), y.dims.slice(0, -2));
    return { type: x.type, dims: [...batch, x.dims.at(-2)!, y.dims.at(-1)!] };
  }
  if (op === 'Gemm') {
    const y = input(1);
    const m = x.dims?.[intAttribute(node, 'transA', 0) ? 1 : 0] ?? null;
    const n = y.dims?.[intAttribute(node, 'transB', 0) ? 0 : 1] ?? null;
    return { type: x.type, dims: [m, n] };
  }
  if (op === 'Flatten') {
    if (!x.dims) return { type: x.type, dims: [null, null] };
    const axis = (intAttribute(node, 'axis', 1) + x.dims.length) % (x.dims.length || 1);
    return { type: x.type, dims: [product(x.dims.slice(0, axis)), product(x.dims.slice(axis))] };
  }
  if (op === 'Reshape') {
    const target = constants.get(node.input?.[1] ?? '');
    if (target)
      return { type: x.type, dims: target.map((d, i) => (d === 0 ? (x.dims?.[i] ?? null) : d < 0 ? null : d)) };
    const length = input(1).dims?.[0];
    return { type: x.type, dims: typeof length === 'number' ? Array<null>(length).fill(null) : undefined };
  }
  return {};
}

/** Infers every tensor's type and dims it can, from the declared inputs, outputs, value_info and initializers. */
export function inferShapes(graph: GraphProto, order: NodeProto[]): Map<string, TensorInfo> {
  const info = new Map<string, TensorInfo>();
  const constants = new Map<string, number[]>();
  for (const value of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const tensor = value.type?.tensorType;
    if (!value.name || !tensor) continue;
    const dims = tensor.shape?.dim?.map((d) => (d.dimValue != null && !d.dimParam ? toNumber(d.dimValue) : null));
    info.set(value.name, { type: tensor.elemType ?? undefined, dims: tensor.shape ? dims : undefined });
  }
  for (const init of graph.initializer ?? []) {
    info.set(init.name ?? '', { type: init.dataType ?? undefined, dims: dimsOf(init) });
    if (init.dataType === 7 /* INT64 */) constants.set(init.name ?? '', tensorValues(init));
  }
  for (const node of order) {
    const inferred = inferNode(node, info, constants);
    const out = node.output?.[0];
    if (!out) continue;
    const declared = info.get(out);
    info.set(out, { type: inferred.type ?? declared?.type, dims: inferred.dims ?? declared?.dims });
  }
  return info;
}
