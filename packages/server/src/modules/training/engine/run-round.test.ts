/**
 * A round over several devices with stand-in executors (each answers a fixed gradient): shards of
 * `local_steps` batches, FedAvg over the updates that came back, a failing device left out, and a round
 * below the full_sync minimum keeping the weights.
 */
import { describe, expect, it } from 'vitest';
import type { TrainStep } from './gradient-graph/index.js';
import { initialOptimizerState } from './optimizer.js';
import { runRound, type StepExecutor } from './run-round.js';

const step = {
  dataInputs: ['x'],
  labels: { name: 'y', type: 'float32', dims: ['batch', 1] },
  weights: [{ name: 'w', dims: [1], values: Float32Array.from([0]) }],
  gradientOutputs: ['gradient:w'],
  lossOutput: 'loss',
} as unknown as TrainStep;
const train = { count: 8, features: new Float32Array(8), labels: new Float32Array(8) };
const sgd = { optimizer: 'sgd' as const, learningRate: 1, momentum: 0 };

/** Answers gradient `g` on every step, or fails. */
const executor = (id: string, g: number | 'fail', seen: number[][] = []): StepExecutor => ({
  id,
  run(feeds) {
    seen.push([feeds.x!.dims[0]!]);
    if (g === 'fail') return Promise.reject(new Error('socket closed'));
    return Promise.resolve({ 'gradient:w': { data: Float32Array.from([g]) } });
  },
});

const round = (executors: StepExecutor[], mode: 'full_sync' | 'async' | 'semi_sync' = 'full_sync') =>
  runRound({
    executors,
    step,
    shape: { inputDims: [1], labelDims: [1] },
    train,
    batches: [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ],
    localSteps: 2,
    weights: { version: 4, values: [Float32Array.from([0])] },
    optimizer: initialOptimizerState(sgd, [Float32Array.from([0])]),
    optimizerConfig: sgd,
    mode,
  });

describe('runRound', () => {
  it('gives each device a shard of local_steps batches and averages the updates by samples (full_sync)', async () => {
    const seenA: number[][] = [];
    const seenB: number[][] = [];
    const result = await round([executor('a', 1, seenA), executor('b', 3, seenB)]);
    expect(seenA).toHaveLength(2);
    expect(seenB).toHaveLength(2);
    // a: 0 - 1 - 1 = -2; b: 0 - 3 - 3 = -6; equal samples: mean -4.
    expect([...result.weights.values[0]!]).toEqual([-4]);
    expect(result.weights.version).toBe(5);
    expect(result.failed).toEqual([]);
  });
  it('leaves a failing device out and still applies the round when the rest meet the minimum', async () => {
    const result = await round([executor('a', 1), executor('b', 'fail')]);
    expect(result.failed).toEqual(['b']);
    expect([...result.weights.values[0]!]).toEqual([-2]);
  });
  it('keeps the previous weights when fewer updates than the minimum came back', async () => {
    const none = await round([executor('a', 'fail'), executor('b', 'fail')]);
    expect(none.failed.sort()).toEqual(['a', 'b']);
    expect(none.weights.version).toBe(4);
    expect([...none.weights.values[0]!]).toEqual([0]);
  });
  it('async mixes the updates in arrival order, the later one scaled by its staleness', async () => {
    const result = await round([executor('a', 1), executor('b', 3)], 'async');
    // first: tau 0, a = 1 -> -2 (or -6); second: tau 1, a = 1/sqrt(2).
    const s = 1 / Math.sqrt(2);
    const candidates = [(1 - s) * -2 + s * -6, (1 - s) * -6 + s * -2];
    expect(candidates.some((c) => Math.abs(c - result.weights.values[0]![0]!) < 1e-5)).toBe(true);
    expect(result.weights.version).toBe(6);
  });
});
