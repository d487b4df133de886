/** The synthetic stream and the split: deterministic by seed, shaped like the model, learnable labels. */
import { describe, expect, it } from 'vitest';
import { splitSamples, syntheticSamples } from './training-data.js';

describe('training data', () => {
  it('the stream is the same for the same seed and different for another', () => {
    const shape = { features: 4, outputs: 3, loss: 'cross_entropy' as const };
    const a = syntheticSamples(shape, 50, 7);
    expect(syntheticSamples(shape, 50, 7)).toEqual(a);
    expect(syntheticSamples(shape, 50, 8).features).not.toEqual(a.features);
    expect(a.features.length).toBe(200);
    expect(new Set(a.labels)).toEqual(new Set([0, 1, 2]));
  });
  it('mse targets have one value per output', () => {
    const samples = syntheticSamples({ features: 3, outputs: 2, loss: 'mse' }, 10, 1);
    expect(samples.labels.length).toBe(20);
  });
  it('splits off the held-out share, every sample once, the same way for the same seed', () => {
    const all = {
      count: 10,
      features: Float32Array.from({ length: 10 }, (_, i) => i),
      labels: Float32Array.from({ length: 10 }, (_, i) => i),
    };
    const split = splitSamples(all, { features: 1, labelWidth: 1 }, 0.2, 3);
    expect(split.heldOut.count).toBe(2);
    expect(split.train.count).toBe(8);
    expect([...split.train.labels, ...split.heldOut.labels].sort((x, y) => x - y)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(splitSamples(all, { features: 1, labelWidth: 1 }, 0.2, 3)).toEqual(split);
  });
});
