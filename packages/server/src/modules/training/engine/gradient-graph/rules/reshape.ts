/** Reshape and Flatten only move elements: dX is dY reshaped to X's runtime shape. A shape input has no gradient. */
import type { GradientRule } from './rule.js';

export const reshape: GradientRule = {
  differentiable: [0],
  backward: ({ e, inputs: [x], dY }) => [e.op('Reshape', [dY, e.op('Shape', [x!])])],
};
