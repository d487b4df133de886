/**
 * Which loss trains a model, and on which tensor. The rule: an output produced by Softmax or LogSoftmax over
 * the last axis of a 2-D tensor is a classifier, so cross-entropy (fused with that Softmax: the loss reads its
 * input, the logits); any other output gets MSE unless `cross_entropy` is asked for, which then reads the
 * output itself as logits (it must be 2-D). A 2-D output with several columns is not taken as logits by
 * itself: it may as well be a multi-target regression, so that choice is left to the caller.
 */
import { GradientGraphError } from '../errors.js';
import { intAttribute, type NodeProto } from '../onnx.js';
import type { Dims } from '../shapes.js';
import type { LossKind } from './loss.js';

export interface LossChoice {
  loss: LossKind;
  inferred: boolean;
  /** The tensor the loss reads: the Softmax/LogSoftmax input when fused, else the output. */
  value: string;
}

export function chooseLoss(
  output: string,
  producer: NodeProto | undefined,
  outputDims: Dims | undefined,
  requested: LossKind | undefined,
): LossChoice {
  const rank = outputDims?.length;
  const axis = producer ? intAttribute(producer, 'axis', -1) : 0;
  const classifier =
    (producer?.opType === 'Softmax' || producer?.opType === 'LogSoftmax') && rank === 2 && (axis === 1 || axis === -1);
  const loss = requested ?? (classifier ? 'cross_entropy' : 'mse');
  if (loss === 'mse') return { loss, inferred: !requested, value: output };
  if (classifier) return { loss, inferred: !requested, value: producer!.input![0]! };
  if (rank !== 2) {
    throw new GradientGraphError(
      `cross_entropy needs a 2-D [batch, classes] output; "${output}" has ${rank === undefined ? 'an unknown' : `rank ${rank}`} shape`,
    );
  }
  return { loss, inferred: false, value: output };
}
