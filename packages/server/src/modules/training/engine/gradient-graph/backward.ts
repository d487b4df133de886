/**
 * Reverse-mode differentiation over the forward graph. A forward sweep marks the tensors that depend on a
 * trainable candidate (a floating-point initializer) through differentiable inputs; a reverse sweep, in
 * reverse topological order from the loss, emits each node's gradient rule and sums the gradients of tensors
 * used more than once. A node the gradient must pass through without a rule is refused, naming it.
 */
import type { Emitter } from './emitter.js';
import { UnsupportedOperatorError } from './errors.js';
import { DOUBLE, FLOAT, nodeLabel, type NodeProto } from './onnx.js';
import { GRADIENT_RULES, NON_DIFFERENTIABLE } from './rules/index.js';
import type { RuleContext } from './rules/rule.js';
import type { TensorInfo } from './shapes.js';

export interface BackwardInput {
  e: Emitter;
  order: NodeProto[];
  info: Map<string, TensorInfo>;
  /** The floating-point initializers that may be trained. */
  candidates: Set<string>;
  start: string;
  startGradient: string;
}

const isFloat = (info: TensorInfo | undefined) =>
  info?.type === undefined || info.type === FLOAT || info.type === DOUBLE;

function differentiableInputs(node: NodeProto): number[] {
  const op = node.opType ?? '';
  if (NON_DIFFERENTIABLE.has(op)) return [];
  return GRADIENT_RULES[op]?.differentiable ?? (node.input ?? []).map((_, i) => i);
}

function markDependents({ order, info, candidates }: BackwardInput): Set<string> {
  const dependent = new Set(candidates);
  for (const node of order) {
    const inputs = node.input ?? [];
    if (!differentiableInputs(node).some((i) => dependent.has(inputs[i] ?? ''))) continue;
    for (const out of node.output ?? []) if (out && isFloat(info.get(out))) dependent.add(out);
  }
  return dependent;
}

/** Refuses the first operator (from the loss back) a gradient must pass through without a rule. */
function refuseUnsupported(order: NodeProto[], dependent: Set<string>, start: string): void {
  const reached = new Set([start]);
  for (let index = order.length - 1; index >= 0; index--) {
    const node = order[index]!;
    if (!reached.has(node.output?.[0] ?? '')) continue;
    const needed = differentiableInputs(node).filter((i) => dependent.has(node.input?.[i] ?? ''));
    if (needed.length === 0) continue;
    if (!GRADIENT_RULES[node.opType ?? ''])
      throw new UnsupportedOperatorError(node.opType ?? '', nodeLabel(node, index));
    needed.forEach((i) => reached.add(node.input![i]!));
  }
}

/** Returns the gradient tensor of each candidate the loss depends on. */
export function backward(input: BackwardInput): Map<string, string> {
  const { e, order, info, candidates, start, startGradient } = input;
  const dependent = markDependents(input);
  refuseUnsupported(order, dependent, start);
  const pending = new Map<string, string[]>([[start, [startGradient]]]);
  const gradientOf = (name: string) => {
    const parts = pending.get(name);
    if (!parts) return undefined;
    const total = parts.length === 1 ? parts[0]! : e.op('Sum', parts);
    pending.set(name, [total]);
    return total;
  };
  for (let index = order.length - 1; index >= 0; index--) {
    const node = order[index]!;
    const output = node.output?.[0] ?? '';
    const inputs = node.input ?? [];
    const dY = gradientOf(output);
    const needed = differentiableInputs(node).filter((i) => dependent.has(inputs[i] ?? ''));
    if (!dY || needed.length === 0) continue;
    const label = nodeLabel(node, index);
    const rule = GRADIENT_RULES[node.opType ?? ''];
    if (!rule) throw new UnsupportedOperatorError(node.opType ?? '', label);
    const refuse = (reason: string): never => {
      throw new UnsupportedOperatorError(node.opType ?? '', label, reason);
    };
    const context: RuleContext = {
      node,
      e,
      inputs,
      output,
      dY,
      needs: (i) => needed.includes(i),
      info: (name) => info.get(name) ?? {},
      dims: (name) => info.get(name)?.dims ?? refuse(`needs the static rank of "${name}", which is not known`),
      refuse,
    };
    rule.backward(context).forEach((grad, i) => {
      const name = inputs[i];
      if (!grad || !name || !needed.includes(i)) return;
      pending.set(name, [...(pending.get(name) ?? []), grad]);
    });
  }
  const gradients = new Map<string, string>();
  for (const name of candidates) {
    const grad = gradientOf(name);
    if (grad) gradients.set(name, grad);
  }
  return gradients;
}
