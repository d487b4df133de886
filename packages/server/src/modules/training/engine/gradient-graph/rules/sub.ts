/** Sub: dA = dY, dB = -dY, each summed back over its broadcast axes. */
import type { GradientRule } from './rule.js';

export const sub: GradientRule = {
  differentiable: [0, 1],
  backward: ({ e, inputs: [a, b], output, dY, needs, dims }) => [
    needs(0) ? e.unbroadcast(dY, dims(output), a!, dims(a!)) : undefined,
    needs(1) ? e.unbroadcast(e.op('Neg', [dY]), dims(output), b!, dims(b!)) : undefined,
  ],
};
