/**
 * MatMul (Y = A·B, batched with broadcast leading axes): dA = dY·Bᵀ, dB = Aᵀ·dY over the last two axes,
 * summed over the batch axes an operand was broadcast along. 1-D operands (numpy's vector promotion) are
 * refused rather than special-cased.
 */
import type { GradientRule } from './rule.js';

export const matMul: GradientRule = {
  differentiable: [0, 1],
  backward: ({ e, inputs: [a, b], output, dY, needs, dims, refuse }) => {
    const [da, db, dy] = [dims(a!), dims(b!), dims(output)];
    if (da.length < 2 || db.length < 2) refuse('with a 1-D operand has no gradient rule');
    const batch = dy.slice(0, -2);
    return [
      needs(0)
        ? e.unbroadcast(e.op('MatMul', [dY, e.transposeLast2(b!, db.length)]), [...batch, ...da.slice(-2)], a!, da)
        : undefined,
      needs(1)
        ? e.unbroadcast(e.op('MatMul', [e.transposeLast2(a!, da.length), dY]), [...batch, ...db.slice(-2)], b!, db)
        : undefined,
    ];
  },
};
