/** The options and the result of buildTrainStep. */
import type { LossKind } from './losses/loss.js';

export interface TrainStepOptions {
  /** The loss; inferred from the output when omitted (see losses/choose-loss.ts). */
  loss?: LossKind;
  /** The model output the loss reads; the first output by default. */
  output?: string;
  /** Float initializers to keep as constants although a gradient reaches them (a normalisation's mean, say). */
  frozen?: string[];
  /** The element type of the train-step graph's floating-point tensors; float64 builds test references. */
  elementType?: 'float32' | 'float64';
}

export interface InitialWeight {
  name: string;
  dims: number[];
  values: Float32Array;
}

export interface TrainStep {
  /** The serialized train-step ModelProto. */
  model: Uint8Array;
  loss: LossKind;
  /** Whether the loss was inferred rather than named in the options. */
  lossInferred: boolean;
  /** The model output the loss reads. */
  output: string;
  /** The model's data inputs, fed as they are for inference. */
  dataInputs: string[];
  /** The labels input: int64 class indices [batch] for cross_entropy, targets shaped like the output for mse. */
  labels: { name: string; type: 'int64' | 'float32' | 'float64'; dims: (number | string)[] };
  /** The trainable weights, in the model's initializer order: graph inputs of the train step. */
  weights: InitialWeight[];
  /** The output names: the scalar loss, then gradients[i] for weights[i] (same dims). */
  lossOutput: string;
  gradientOutputs: string[];
}
