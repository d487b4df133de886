/** topologicalOrder: producers first whatever the stored order, a cycle refused, a deep chain without recursion. */
import { describe, expect, it } from 'vitest';
import { node } from '../../../../../../../scripts/fixtures/onnx-graph.js';
import { GradientGraphError } from './errors.js';
import { topologicalOrder } from './topological-order.js';

const names = (nodes: { output?: string[] | null }[]) => nodes.map((n) => n.output![0]);

describe('topologicalOrder', () => {
  it('puts each node after the producers of its inputs', () => {
    const graph = { node: [node('Relu', ['b'], ['c']), node('Add', ['a', 'a'], ['b']), node('Relu', ['x'], ['a'])] };
    expect(names(topologicalOrder(graph))).toEqual(['a', 'b', 'c']);
  });

  it('refuses a cycle, naming a node on it', () => {
    const graph = { node: [node('Relu', ['b'], ['a']), node('Relu', ['a'], ['b'])] };
    expect(() => topologicalOrder(graph)).toThrow(GradientGraphError);
    expect(() => topologicalOrder(graph)).toThrow('the graph has a cycle through node "Relu_a"');
  });

  it('orders a 100,000-node chain stored backwards', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) => node('Relu', [`t${i}`], [`t${i + 1}`])).reverse();
    expect(topologicalOrder({ node: chain })[99_999]!.output).toEqual(['t100000']);
  });
});
