/** LogSoftmax: dX = dY - exp(Y)·Σ_axis(dY). */
import type { GradientRule } from './rule.js';
import { softmaxAxis } from './softmax-axis.js';

export const logSoftmax: GradientRule = {
  differentiable: [0],
  backward: (ctx) => {
    const { e, output, dY } = ctx;
    const total = e.reduceSum(dY, [softmaxAxis(ctx)], true);
    return [e.op('Sub', [dY, e.op('Mul', [e.op('Exp', [output]), total])])];
  },
};
