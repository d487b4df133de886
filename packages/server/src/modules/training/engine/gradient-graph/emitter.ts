/**
 * Appends the nodes and constant initializers of the backward pass to the train-step graph: fresh names
 * that cannot collide with the model's, constants in the graph's element type (float or double), and the
 * opset-dependent forms (ReduceSum took its axes as an attribute before opset 13, as an input since).
 */
import type { Dims } from './shapes.js';
import { DOUBLE, INT64, type AttributeProto, type NodeProto, type TensorProto } from './onnx.js';
import { onnx } from './onnx.js';

type AttributeValue = number | number[] | { float: number };
const { AttributeType } = onnx.AttributeProto;

function toAttribute(name: string, value: AttributeValue): AttributeProto {
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INT, i: value };
}

export class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;

  constructor(
    private readonly taken: Set<string>,
    readonly opset: number,
    /** The element type of the graph's floating-point tensors (FLOAT, or DOUBLE for the float64 reference). */
    readonly elemType: number,
  ) {}

  /** `wanted` when it is free (then taken), else a fresh name. */
  claim(wanted: string): string {
    if (this.taken.has(wanted)) return this.fresh(wanted);
    this.taken.add(wanted);
    return wanted;
  }

  /** A name not used anywhere in the graph. */
  fresh(base: string): string {
    let name: string;
    do name = `gg/${base}/${this.counter++}`;
    while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }

  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, name?: string): string {
    const output = name ?? this.fresh(opType);
    this.nodes.push({
      opType,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => toAttribute(name, value)),
    });
    return output;
  }

  /** A constant in the graph's float element type (`dims` [] for a scalar). */
  constant(values: number[], dims: number[] = []): string {
    const name = this.fresh('const');
    const field = this.elemType === DOUBLE ? { doubleData: values } : { floatData: values };
    this.initializers.push({ name, dims, dataType: this.elemType, ...field });
    return name;
  }

  int64(values: number[], dims: number[] = [values.length]): string {
    const name = this.fresh('int64');
    this.initializers.push({ name, dims, dataType: INT64, int64Data: values });
    return name;
  }

  /** ReduceSum over `axes` (every axis when omitted), in the form the model's opset expects. */
  reduceSum(x: string, axes: number[] | undefined, keepdims: boolean): string {
    const keep = keepdims ? 1 : 0;
    if (!axes) return this.op('ReduceSum', [x], { keepdims: keep });
    if (this.opset >= 13) return this.op('ReduceSum', [x, this.int64(axes)], { keepdims: keep });
    return this.op('ReduceSum', [x], { axes, keepdims: keep });
  }

  /**
   * Sums a gradient of shape `from` back to the shape of `operand` (`to`), undoing numpy broadcasting: the
   * leading axes the operand lacks and the axes where it has a fixed 1. A dimension not known statically is
   * taken as not broadcast (weights, the only tensors the result is kept for, always have fixed dims).
   */
  unbroadcast(grad: string, from: Dims, operand: string, to: Dims): string {
    const lead = from.length - to.length;
    const axes = from
      .map((dim, i) => (i < lead || (to[i - lead] === 1 && dim !== 1) ? i : -1))
      .filter((axis) => axis >= 0);
    if (axes.length === 0) return grad;
    const summed = this.reduceSum(grad, axes, true);
    return lead === 0 ? summed : this.op('Reshape', [summed, this.op('Shape', [operand])]);
  }

  /** Swaps the last two axes of a tensor of the given rank. */
  transposeLast2(x: string, rank: number): string {
    const perm = Array.from({ length: rank }, (_, i) => i);
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
    return this.op('Transpose', [x], { perm });
  }
}
