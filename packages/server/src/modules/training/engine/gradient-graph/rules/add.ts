/** Add: the output gradient flows unchanged into both operands, summed over the axes each was broadcast along. */
import type { GradientRule } from './rule.js';

export const add: GradientRule = {
  differentiable: [0, 1],
  backward: ({ e, inputs: [a, b], output, dY, needs, dims }) => [
    needs(0) ? e.unbroadcast(dY, dims(output), a!, dims(a!)) : undefined,
    needs(1) ? e.unbroadcast(dY, dims(output), b!, dims(b!)) : undefined,
  ],
};
