/**
 * Cast: a gradient flows back only into a floating-point input (a Cast from integers starts a new path), cast
 * back to that input's element type.
 */
import type { GradientRule } from './rule.js';

export const cast: GradientRule = {
  differentiable: [0],
  backward: ({ e, inputs: [x], info, dY }) => {
    const type = info(x!).type;
    return [type === undefined || type === e.elemType ? dY : e.op('Cast', [dY], { to: type })];
  },
};
