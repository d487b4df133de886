/**
 * Orders a graph's nodes so that each comes after the producers of its inputs (ONNX requires it of a valid
 * graph, but the builder does not rely on it) and refuses a cycle.
 */
import { GradientGraphError } from './errors.js';
import type { GraphProto, NodeProto } from './onnx.js';

export function topologicalOrder(graph: GraphProto): NodeProto[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => node.output?.forEach((name) => name && producer.set(name, i)));
  const state = new Uint8Array(nodes.length); // 0 unvisited, 1 on the stack, 2 done
  const order: NodeProto[] = [];
  const visit = (i: number) => {
    if (state[i] === 2) return;
    if (state[i] === 1) throw new GradientGraphError(`the graph has a cycle through node "${nodes[i]!.name}"`);
    state[i] = 1;
    for (const input of nodes[i]!.input ?? []) {
      const from = producer.get(input);
      if (from !== undefined) visit(from);
    }
    state[i] = 2;
    order.push(nodes[i]!);
  };
  nodes.forEach((_, i) => visit(i));
  return order;
}
