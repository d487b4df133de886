/**
 * Orders a graph's nodes so that each comes after the producers of its inputs (ONNX requires it of a valid
 * graph, but the builder does not rely on it) and refuses a cycle. Kahn's algorithm, iterative, so a deep
 * graph cannot overflow the stack; ties keep the model's node order.
 */
import { GradientGraphError } from './errors.js';
import type { GraphProto, NodeProto } from './onnx.js';

export function topologicalOrder(graph: GraphProto): NodeProto[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => node.output?.forEach((name) => name && producer.set(name, i)));
  const waiting = new Array<number>(nodes.length).fill(0);
  const consumers = nodes.map(() => [] as number[]);
  nodes.forEach((node, i) => {
    for (const input of new Set(node.input ?? [])) {
      const from = producer.get(input);
      if (from === undefined) continue;
      waiting[i]!++;
      consumers[from]!.push(i);
    }
  });
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  const order: NodeProto[] = [];
  for (let next = 0; next < ready.length; next++) {
    const i = ready[next]!;
    order.push(nodes[i]!);
    for (const consumer of consumers[i]!) if (--waiting[consumer]! === 0) ready.push(consumer);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.find((_, i) => waiting[i]! > 0)!;
    throw new GradientGraphError(`the graph has a cycle through node "${stuck.name}"`);
  }
  return order;
}
