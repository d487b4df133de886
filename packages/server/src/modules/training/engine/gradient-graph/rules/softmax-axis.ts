/**
 * The axis a Softmax or LogSoftmax normalises over, as a non-negative index. Before opset 13 these operators
 * flattened the input to 2-D at `axis` (default 1); that equals a softmax over one axis only when the axis is
 * the last, so other axes are refused there.
 */
import { intAttribute } from '../onnx.js';
import type { RuleContext } from './rule.js';

export function softmaxAxis({ node, e, inputs: [x], dims, refuse }: RuleContext): number {
  const rank = dims(x!).length;
  const axis = intAttribute(node, 'axis', e.opset >= 13 ? -1 : 1);
  const normalised = axis < 0 ? axis + rank : axis;
  if (e.opset < 13 && normalised !== rank - 1) refuse(`over axis ${axis} of a rank-${rank} input at opset ${e.opset}`);
  return normalised;
}
