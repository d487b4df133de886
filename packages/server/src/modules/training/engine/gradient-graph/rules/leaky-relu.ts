/** LeakyRelu: dX = dY where X > 0, alpha·dY elsewhere. */
import { floatAttribute } from '../onnx.js';
import type { GradientRule } from './rule.js';

export const leakyRelu: GradientRule = {
  differentiable: [0],
  backward: ({ node, e, inputs: [x], dY }) => {
    const positive = e.op('Greater', [x!, e.constant([0])]);
    const scaled = e.op('Mul', [dY, e.constant([floatAttribute(node, 'alpha', 0.01)])]);
    return [e.op('Where', [positive, dY, scaled])];
  },
};
