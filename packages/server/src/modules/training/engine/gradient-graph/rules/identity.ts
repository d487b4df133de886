/**
 * Identity, and Dropout as it runs in an exported inference graph (no training_mode: it passes its input
 * through; the mask output has no gradient): dX = dY.
 */
import type { GradientRule } from './rule.js';

export const identity: GradientRule = {
  differentiable: [0],
  backward: ({ dY }) => [dY],
};

export const dropout: GradientRule = {
  differentiable: [0],
  backward: (ctx) => {
    const trainingMode = ctx.inputs[2];
    if (trainingMode) ctx.refuse('with a training_mode input has no gradient rule (only inference-mode Dropout)');
    return [ctx.dY];
  },
};
