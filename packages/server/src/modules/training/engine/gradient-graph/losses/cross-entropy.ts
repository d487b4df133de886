/**
 * Cross-entropy on logits z [batch, classes] against class indices (int64 [batch]), mean over the batch, in
 * the numerically stable form: loss = -Σ onehot·LogSoftmax(z) / N and dz = (exp(LogSoftmax(z)) - onehot) / N.
 * A model ending in Softmax (probabilities) is trained through this same form on the Softmax's input, which
 * is the exact gradient of -log(p[label]) without dividing by a probability that may underflow to 0. A label
 * outside [0, classes) matches no class (its row contributes nothing): callers validate the label range.
 */
import type { LossGraph, LossInput } from './loss.js';

export function crossEntropy({ e, value: logits, labels }: LossInput): LossGraph {
  const logProbabilities = e.op('LogSoftmax', [logits], { axis: 1 });
  const shape = e.op('Shape', [logits]);
  const classes = e.op('Range', [e.int64([0], []), e.op('Gather', [shape, e.int64([1], [])]), e.int64([1], [])]);
  const column = e.op('Reshape', [labels, e.int64([-1, 1])]);
  const oneHot = e.op('Cast', [e.op('Equal', [column, classes])], { to: e.elemType });
  const batch = e.op('Cast', [e.op('Gather', [shape, e.int64([0], [])])], { to: e.elemType });
  const picked = e.reduceSum(e.op('Mul', [oneHot, logProbabilities]), undefined, false);
  const loss = e.op('Div', [e.op('Neg', [picked]), batch]);
  const gradient = e.op('Div', [e.op('Sub', [e.op('Exp', [logProbabilities]), oneHot]), batch]);
  return { loss, start: logits, gradient };
}
