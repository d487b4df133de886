/**
 * Mean squared error against targets shaped like the output, mean over every element (the batch and the
 * output's own axes): loss = Σ(y - t)² / size(y), dy = 2·(y - t) / size(y).
 */
import type { LossGraph, LossInput } from './loss.js';

export function meanSquaredError({ e, value, labels: targets }: LossInput): LossGraph {
  const difference = e.op('Sub', [value, targets]);
  const size = e.op('Cast', [e.op('Size', [value])], { to: e.elemType });
  const loss = e.op('Div', [e.reduceSum(e.op('Mul', [difference, difference]), undefined, false), size]);
  const gradient = e.op('Div', [e.op('Mul', [difference, e.constant([2])]), size]);
  return { loss, start: value, gradient };
}
