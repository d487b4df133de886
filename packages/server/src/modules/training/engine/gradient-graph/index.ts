/**
 * The gradient-graph builder: derives an ONNX train-step graph (loss and weight gradients, standard ONNX
 * operators only) from an inference model, so onnxruntime-node can train models it can only run forward,
 * and writes trained weights back into a copy of the inference model. See docs/training.md.
 */
export { buildTrainStep, MIN_OPSET } from './build-train-step.js';
export { writeWeights } from './write-weights.js';
export { GradientGraphError, UnsupportedOperatorError } from './errors.js';
export { GRADIENT_RULES } from './rules/index.js';
export type { LossKind } from './losses/loss.js';
export type { InitialWeight, TrainStep, TrainStepOptions } from './train-step-types.js';
