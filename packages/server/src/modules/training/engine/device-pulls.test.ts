/**
 * sync_interval_ms: over rounds of async training with two stand-in devices, a device with a short interval
 * starts each shard from the newest weights; with a huge one it goes on from its own weights and its updates
 * grow stale by the other device's updates (and semi_sync's staleness limit forces a pull).
 */
import { describe, expect, it } from 'vitest';
import { devicePulls } from './device-pulls.js';
import type { TrainStep } from './gradient-graph/index.js';
import { initialOptimizerState } from './optimizer.js';
import { MAX_STALENESS, runRound, type StepExecutor } from './run-round.js';
import type { Weights } from './sync-modes.js';

const step = {
  dataInputs: ['x'],
  labels: { name: 'y', type: 'float32', dims: ['batch', 1] },
  weights: [{ name: 'w', dims: [1], values: Float32Array.from([0]) }],
  gradientOutputs: ['gradient:w'],
  lossOutput: 'loss',
} as unknown as TrainStep;
const train = { count: 4, features: new Float32Array(4), labels: new Float32Array(4) };
const sgd = { optimizer: 'sgd' as const, learningRate: 1, momentum: 0 };
/** Records the weight it was sent at each step and answers gradient 1 (so w goes down by 1 per step). */
const device = (id: string, seen: number[]): StepExecutor => ({
  id,
  run(feeds) {
    seen.push(Number(feeds.w!.data[0]));
    return Promise.resolve({ 'gradient:w': { data: Float32Array.from([1]) } });
  },
});

/**
 * `rounds` rounds on two devices, one clock tick of 10 ms each. For device a: the base version of each shard,
 * and whether it started from the server's newest weights (a pull).
 */
async function train6(intervalMs: number, mode: 'async' | 'semi_sync' = 'async', rounds = 6) {
  let clock = 0;
  const pulls = devicePulls({
    intervalMs,
    maxStaleness: mode === 'async' ? Infinity : MAX_STALENESS,
    now: () => clock,
  });
  let weights: Weights = { version: 0, values: [Float32Array.from([0])] };
  let optimizer = initialOptimizerState(sgd, weights.values);
  const bases: number[] = [];
  const pulled: boolean[] = [];
  const seen: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const result = await runRound({
      executors: [device('a', seen), device('b', [])],
      step,
      shape: { inputDims: [1], labelDims: [1] },
      train,
      batches: [
        [0, 1],
        [2, 3],
      ],
      localSteps: 1,
      weights,
      optimizer,
      optimizerConfig: sgd,
      mode,
      start: (id) => {
        const from = pulls.start(id, weights, optimizer);
        if (id === 'a') bases.push(from.baseVersion);
        if (id === 'a') pulled.push(from.weights === weights.values);
        return from;
      },
    });
    result.ended.forEach((state, id) => pulls.ended(id, state));
    weights = result.weights;
    optimizer = result.optimizer;
    clock += 10;
  }
  return { bases, seen, pulled };
}

describe('sync_interval_ms (device pulls)', () => {
  it('with an interval shorter than a round, every shard starts from the newest weights', async () => {
    const { bases, pulled } = await train6(5);
    // Two updates (two versions) a round.
    expect(bases).toEqual([0, 2, 4, 6, 8, 10]);
    expect(pulled).toEqual([true, true, true, true, true, true]);
  });

  it('with a huge interval, the device trains on from its own weights and its updates grow stale', async () => {
    const { bases, seen, pulled } = await train6(3_600_000);
    expect(pulled).toEqual([true, false, false, false, false, false]);
    // Its own copy went down by one per step: it never took the server's mixed weights.
    expect(seen).toEqual([0, -1, -2, -3, -4, -5]);
    // Its own update is a version it has seen; the other device's are not.
    expect(bases).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('with an interval of three rounds, it pulls every third round', async () => {
    const { pulled, bases } = await train6(30);
    expect(pulled).toEqual([true, false, false, true, false, false]);
    expect(bases).toEqual([0, 1, 2, 6, 7, 8]);
  });

  it("semi_sync: its own update is in each round's one aggregation, so it does not fall behind", async () => {
    const { pulled } = await train6(3_600_000, 'semi_sync', 24);
    expect(pulled.filter(Boolean)).toHaveLength(1);
  });

  it('pulls once its copy is more than maxStaleness versions behind, whatever the interval', () => {
    const pulls = devicePulls({ intervalMs: 3_600_000, maxStaleness: MAX_STALENESS, now: () => 0 });
    const optimizer = initialOptimizerState(sgd, [Float32Array.from([0])]);
    const at = (version: number) => ({ version, values: [Float32Array.from([version])] });
    expect(pulls.start('a', at(0), optimizer).baseVersion).toBe(0);
    expect(pulls.start('a', at(MAX_STALENESS), optimizer).baseVersion).toBe(0);
    expect(pulls.start('a', at(MAX_STALENESS + 1), optimizer).baseVersion).toBe(MAX_STALENESS + 1);
  });
});
