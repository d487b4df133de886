/** Feeds for the train step and for evaluation: a batch of samples as ONNX tensors (wire form). */
import type { TrainStep } from './gradient-graph/index.js';
import type { Samples } from './training-data.js';
import type { WireTensor } from './step-protocol.js';

export interface FeedShape {
  /** The data input's dims after the batch dim. */
  inputDims: number[];
  /** The labels' dims after the batch dim (mse); empty for class indices. */
  labelDims: number[];
}

export function batchFeeds(
  step: TrainStep,
  shape: FeedShape,
  samples: Samples,
  indices: number[],
): Record<string, WireTensor> {
  const features = shape.inputDims.reduce((a, b) => a * b, 1);
  const width = shape.labelDims.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * features);
  const classes = step.labels.type === 'int64';
  const y = classes ? new BigInt64Array(indices.length) : new Float32Array(indices.length * width);
  indices.forEach((from, to) => {
    x.set(samples.features.subarray(from * features, (from + 1) * features), to * features);
    if (y instanceof BigInt64Array) y[to] = BigInt(Math.round(samples.labels[from]!));
    else y.set(samples.labels.subarray(from * width, (from + 1) * width), to * width);
  });
  return {
    [step.dataInputs[0]!]: { type: 'float32', dims: [indices.length, ...shape.inputDims], data: x },
    [step.labels.name]: classes
      ? { type: 'int64', dims: [indices.length], data: y }
      : { type: 'float32', dims: [indices.length, ...shape.labelDims], data: y },
  };
}

export function weightFeeds(step: TrainStep, weights: Float32Array[]): Record<string, WireTensor> {
  return Object.fromEntries(
    step.weights.map((w, i) => [w.name, { type: 'float32' as const, dims: w.dims, data: weights[i]! }]),
  );
}
