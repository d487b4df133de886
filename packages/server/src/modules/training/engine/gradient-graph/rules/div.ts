/** Div (Y = A/B): dA = dY/B, dB = -dY·Y/B, each summed back over its broadcast axes. */
import type { GradientRule } from './rule.js';

export const div: GradientRule = {
  differentiable: [0, 1],
  backward: ({ e, inputs: [a, b], output, dY, needs, dims }) => [
    needs(0) ? e.unbroadcast(e.op('Div', [dY, b!]), dims(output), a!, dims(a!)) : undefined,
    needs(1)
      ? e.unbroadcast(e.op('Neg', [e.op('Div', [e.op('Mul', [dY, output]), b!])]), dims(output), b!, dims(b!))
      : undefined,
  ],
};
