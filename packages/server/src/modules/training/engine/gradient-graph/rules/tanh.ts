/** Tanh: dX = dY·(1 - Y²). */
import type { GradientRule } from './rule.js';

export const tanh: GradientRule = {
  differentiable: [0],
  backward: ({ e, output, dY }) => [e.op('Mul', [dY, e.op('Sub', [e.constant([1]), e.op('Mul', [output, output])])])],
};
