/**
 * The samples a job trains on, split into a training part and a held-out part: the synthetic stream (a
 * seeded hidden teacher, a random linear map shaped like the model, so a model can learn it and its
 * accuracy can be judged) or an uploaded dataset's rows. Both are the same for the same configuration, so
 * a job resumed after a restart sees exactly the samples it saw before.
 */
import { seededRandom, shuffledIndices } from './seeded-random.js';

export interface Samples {
  count: number;
  /** Row-major, `count * features`. */
  features: Float32Array;
  /** `count * labelWidth`: class indices (width 1) or regression targets. */
  labels: Float32Array;
}

export interface TrainingData {
  features: number;
  labelWidth: number;
  train: Samples;
  heldOut: Samples;
}

export interface DataShape {
  features: number;
  /** Classes for cross_entropy; values per sample for mse. */
  outputs: number;
  loss: 'cross_entropy' | 'mse';
}

function pick(samples: Samples, indices: number[], features: number, width: number): Samples {
  const out: Samples = {
    count: indices.length,
    features: new Float32Array(indices.length * features),
    labels: new Float32Array(indices.length * width),
  };
  indices.forEach((from, to) => {
    out.features.set(samples.features.subarray(from * features, (from + 1) * features), to * features);
    out.labels.set(samples.labels.subarray(from * width, (from + 1) * width), to * width);
  });
  return out;
}

/** Shuffles (by seed) and splits off the held-out share. */
export function splitSamples(
  all: Samples,
  shape: { features: number; labelWidth: number },
  heldOutShare: number,
  seed: number,
): TrainingData {
  const order = shuffledIndices(all.count, seed ^ 0x5bd1e995);
  const heldOutCount = Math.max(1, Math.min(all.count - 1, Math.round(all.count * heldOutShare)));
  return {
    ...shape,
    heldOut: pick(all, order.slice(0, heldOutCount), shape.features, shape.labelWidth),
    train: pick(all, order.slice(heldOutCount), shape.features, shape.labelWidth),
  };
}

/** `count` samples of the seeded teacher: x ~ N(0, 1); label argmax(xW) (classes) or xW / sqrt(F) (mse). */
export function syntheticSamples(shape: DataShape, count: number, seed: number): Samples {
  const random = seededRandom(seed);
  const { features, outputs } = shape;
  const teacher = Float64Array.from({ length: features * outputs }, () => random.normal());
  const width = shape.loss === 'cross_entropy' ? 1 : outputs;
  const samples: Samples = {
    count,
    features: new Float32Array(count * features),
    labels: new Float32Array(count * width),
  };
  const scores = new Float64Array(outputs);
  for (let n = 0; n < count; n++) {
    scores.fill(0);
    for (let f = 0; f < features; f++) {
      const x = random.normal();
      samples.features[n * features + f] = x;
      for (let c = 0; c < outputs; c++) scores[c]! += x * teacher[f * outputs + c]!;
    }
    if (shape.loss === 'cross_entropy') {
      let best = 0;
      for (let c = 1; c < outputs; c++) if (scores[c]! > scores[best]!) best = c;
      samples.labels[n] = best;
    } else {
      for (let c = 0; c < outputs; c++) samples.labels[n * width + c] = scores[c]! / Math.sqrt(features);
    }
  }
  return samples;
}

/** The first `limit` rows of a dataset as samples. */
export async function datasetSamples(
  rows: AsyncIterable<{ features: number[]; label: number }>,
  features: number,
  limit: number,
): Promise<Samples> {
  const featureValues: number[] = [];
  const labels: number[] = [];
  for await (const row of rows) {
    if (labels.length >= limit) break;
    featureValues.push(...row.features.slice(0, features));
    labels.push(row.label);
  }
  return { count: labels.length, features: Float32Array.from(featureValues), labels: Float32Array.from(labels) };
}
