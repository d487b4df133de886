/** Softmax: dX = Y·(dY - Σ_axis(dY·Y)). */
import type { GradientRule } from './rule.js';
import { softmaxAxis } from './softmax-axis.js';

export const softmax: GradientRule = {
  differentiable: [0],
  backward: (ctx) => {
    const { e, output, dY } = ctx;
    const dot = e.reduceSum(e.op('Mul', [dY, output]), [softmaxAxis(ctx)], true);
    return [e.op('Mul', [output, e.op('Sub', [dY, dot])])];
  },
};
