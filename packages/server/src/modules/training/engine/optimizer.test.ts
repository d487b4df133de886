/** The optimizer step on hand-computed values: SGD, SGD with momentum, Adam's first steps. */
import { describe, expect, it } from 'vitest';
import { initialOptimizerState, optimizerStep, type OptimizerConfig } from './optimizer.js';

const run = (config: OptimizerConfig, gradients: number[][], start = [1]) => {
  const weights = [Float32Array.from(start)];
  const state = initialOptimizerState(config, weights);
  const path = gradients.map((g) => {
    optimizerStep(config, state, weights, [Float32Array.from(g)]);
    return weights[0]![0]!;
  });
  return { path, state };
};

describe('optimizerStep', () => {
  it('SGD: w -= lr * g', () => {
    expect(run({ optimizer: 'sgd', learningRate: 0.5, momentum: 0 }, [[2], [2]]).path).toEqual([0, -1]);
  });
  it('SGD with momentum: v = m v + g; w -= lr v', () => {
    const { path } = run({ optimizer: 'sgd', learningRate: 0.1, momentum: 0.5 }, [[1], [1]]);
    expect(path[0]).toBeCloseTo(0.9, 6); // v = 1
    expect(path[1]).toBeCloseTo(0.75, 6); // v = 1.5
  });
  it('Adam: the first step moves each weight by lr against the sign of its gradient', () => {
    const { path, state } = run({ optimizer: 'adam', learningRate: 0.01, momentum: 0 }, [[4], [-4]], [1]);
    expect(path[0]).toBeCloseTo(0.99, 6);
    // Second step: m = 0.9*0.4 - 0.4 = -0.04, v = 0.999*0.016 + 0.016 = 0.031984; corrected m̂ = -0.04/0.19, v̂ = 0.031984/0.001999
    const mHat = -0.04 / (1 - 0.9 ** 2);
    const vHat = (0.999 * 0.016 + 0.001 * 16) / (1 - 0.999 ** 2);
    expect(path[1]).toBeCloseTo(0.99 - (0.01 * mHat) / (Math.sqrt(vHat) + 1e-8), 6);
    expect(state.step).toBe(2);
  });
});
