/** Sigmoid: dX = dY·Y·(1 - Y). */
import type { GradientRule } from './rule.js';

export const sigmoid: GradientRule = {
  differentiable: [0],
  backward: ({ e, output, dY }) => {
    const oneMinusY = e.op('Sub', [e.constant([1]), output]);
    return [e.op('Mul', [dY, e.op('Mul', [output, oneMinusY])])];
  },
};
