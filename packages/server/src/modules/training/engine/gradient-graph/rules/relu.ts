/** Relu: dX = dY·sign(Y); Y = max(X, 0) is 0 or positive, so sign(Y) is the 0/1 mask in the graph's own type. */
import type { GradientRule } from './rule.js';

export const relu: GradientRule = {
  differentiable: [0],
  backward: ({ e, output, dY }) => [e.op('Mul', [dY, e.op('Sign', [output])])],
};
