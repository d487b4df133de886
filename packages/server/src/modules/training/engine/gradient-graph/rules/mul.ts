/** Mul: dA = dY·B, dB = dY·A, each summed back over its broadcast axes. */
import type { GradientRule } from './rule.js';

export const mul: GradientRule = {
  differentiable: [0, 1],
  backward: ({ e, inputs: [a, b], output, dY, needs, dims }) => [
    needs(0) ? e.unbroadcast(e.op('Mul', [dY, b!]), dims(output), a!, dims(a!)) : undefined,
    needs(1) ? e.unbroadcast(e.op('Mul', [dY, a!]), dims(output), b!, dims(b!)) : undefined,
  ],
};
