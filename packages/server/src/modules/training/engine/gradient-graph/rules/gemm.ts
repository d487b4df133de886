/**
 * Gemm (Y = alpha·A'·B' + beta·C, A' = transA ? Aᵀ : A, B' likewise). The operand gradients are Gemms
 * themselves with the transposes folded into their flags:
 *   dA = alpha·dY·B'ᵀ (transA = 0) or alpha·B'·dYᵀ (transA = 1);
 *   dB = alpha·A'ᵀ·dY (transB = 0) or alpha·dYᵀ·A' (transB = 1);
 *   dC = beta·dY summed over the axes C was broadcast along (a bias [N], [1], [M, 1] or a scalar).
 */
import { floatAttribute, intAttribute } from '../onnx.js';
import type { GradientRule } from './rule.js';

export const gemm: GradientRule = {
  differentiable: [0, 1, 2],
  backward: ({ node, e, inputs: [a, b, c], output, dY, needs, dims }) => {
    const alpha = { float: floatAttribute(node, 'alpha', 1) };
    const beta = floatAttribute(node, 'beta', 1);
    const transA = intAttribute(node, 'transA', 0);
    const transB = intAttribute(node, 'transB', 0);
    const gradA = () =>
      transA
        ? e.op('Gemm', [b!, dY], { alpha, transA: transB, transB: 1 })
        : e.op('Gemm', [dY, b!], { alpha, transA: 0, transB: transB ? 0 : 1 });
    const gradB = () =>
      transB
        ? e.op('Gemm', [dY, a!], { alpha, transA: 1, transB: transA })
        : e.op('Gemm', [a!, dY], { alpha, transA: transA ? 0 : 1, transB: 0 });
    const scaled = () => (beta === 1 ? dY : e.op('Mul', [dY, e.constant([beta])]));
    return [
      needs(0) ? gradA() : undefined,
      needs(1) ? gradB() : undefined,
      c && needs(2) ? e.unbroadcast(scaled(), dims(output), c, dims(c)) : undefined,
    ];
  },
};
