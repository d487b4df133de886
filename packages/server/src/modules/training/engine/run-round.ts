/**
 * One round over the job's devices: the round's batches are cut into one shard of up to `local_steps`
 * batches per device; every device trains its shard from the same weights (its own copy of the weights and
 * of the optimizer state), all in parallel, and the updates that came back are folded in by the sync mode
 * (sync-modes.ts). A device that fails mid-round is left out of the round and of the rest of the claim.
 * Where a device starts from is the caller's (`start`, device-pulls.ts): the round's weights by default.
 */
import type { TrainingConfig } from '../training-config.js';
import { batchFeeds, weightFeeds, type FeedShape } from './batches.js';
import type { TrainStep } from './gradient-graph/index.js';
import { optimizerStep, type OptimizerConfig, type OptimizerState } from './optimizer.js';
import type { WireTensor } from './step-protocol.js';
import { asyncMix, fullSyncRound, semiSyncBuffer, type DeviceUpdate, type Weights } from './sync-modes.js';
import type { Samples } from './training-data.js';

/** A device that runs train steps: the built-in step thread, or a connected device over its socket. */
export interface StepExecutor {
  id: string;
  run(feeds: Record<string, WireTensor>): Promise<Record<string, { data: Float32Array }>>;
}

/** FedAsync's mixing weight α: a fresh update replaces the weights (docs/training.md). */
const ASYNC_ALPHA = 1;
/** FedBuff's staleness limit (versions). */

export const MAX_STALENESS = 10;

/** Where a device starts its shard: weights and optimizer state, and the version it pulled them at. */
export interface DeviceStart {
  weights: Float32Array[];
  optimizer: OptimizerState;
  baseVersion: number;
}

/**
 * The round's updates, in the order they arrived, folded into the weights by `sync_mode` (semi_sync's deltas
 * are taken against the weights each update started from).
 */
export function applyRound(
  mode: TrainingConfig['training_config']['sync_mode'],
  current: Weights,
  updates: DeviceUpdate[],
  devices: number,
): Weights {
  if (mode === 'full_sync') return fullSyncRound(current, updates, Math.ceil(devices / 2));
  if (mode === 'async') return updates.reduce((w, u) => asyncMix(w, u, ASYNC_ALPHA), current);
  const buffer = semiSyncBuffer({ size: Math.max(1, updates.length), maxStaleness: MAX_STALENESS });
  let weights = current;
  for (const u of updates) {
    const result = buffer.offer(weights, u, (v) => (v === current.version ? current.values : undefined));
    if (result.outcome === 'applied') weights = result.weights;
  }
  return weights;
}

const cloneState = (s: OptimizerState): OptimizerState => ({
  step: s.step,
  m: s.m.map((t) => Float32Array.from(t)),
  v: s.v.map((t) => Float32Array.from(t)),
});

export async function runRound(r: {
  executors: StepExecutor[];
  step: TrainStep;
  shape: FeedShape;
  train: Samples;
  /** The batches of this round, each a list of sample indices, in order; shard k is the k-th slice of `localSteps`. */
  batches: number[][];
  localSteps: number;
  weights: Weights;
  optimizer: OptimizerState;
  optimizerConfig: OptimizerConfig;
  mode: TrainingConfig['training_config']['sync_mode'];
  start?: (deviceId: string) => DeviceStart;
}): Promise<{ weights: Weights; optimizer: OptimizerState; failed: string[]; ended: Map<string, DeviceStart> }> {
  const arrived: { update: DeviceUpdate; optimizer: OptimizerState }[] = [];
  const ended = new Map<string, DeviceStart>();
  const start =
    r.start ?? (() => ({ weights: r.weights.values, optimizer: r.optimizer, baseVersion: r.weights.version }));
  const failed: string[] = [];
  const shards = r.executors
    .map((executor, k) => ({ executor, batches: r.batches.slice(k * r.localSteps, (k + 1) * r.localSteps) }))
    .filter((shard) => shard.batches.length > 0);
  await Promise.all(
    shards.map(async ({ executor, batches }) => {
      const from = start(executor.id);
      const working = from.weights.map((w) => Float32Array.from(w));
      const optimizer = cloneState(from.optimizer);
      let samples = 0;
      try {
        for (const indices of batches) {
          const feeds = { ...batchFeeds(r.step, r.shape, r.train, indices), ...weightFeeds(r.step, working) };
          const out = await executor.run(feeds);
          const gradients = r.step.gradientOutputs.map((name) => out[name]!.data);
          optimizerStep(r.optimizerConfig, optimizer, working, gradients);
          samples += indices.length;
        }
        arrived.push({
          update: { weights: working, samples, baseVersion: from.baseVersion, start: from.weights },
          optimizer,
        });
        ended.set(executor.id, { weights: working, optimizer, baseVersion: from.baseVersion });
      } catch {
        failed.push(executor.id);
      }
    }),
  );
  const weights = applyRound(
    r.mode,
    r.weights,
    arrived.map((a) => a.update),
    shards.length,
  );
  // The optimizer state goes on from the first update that arrived (each device kept its own copy).
  return {
    weights,
    optimizer: weights === r.weights ? r.optimizer : (arrived[0]?.optimizer ?? r.optimizer),
    failed,
    ended,
  };
}
