/**
 * Trains one claimed job on the built-in device from its checkpoint (or from the model's weights), round by
 * round: a round is `local_steps` batches, each a train step on the step thread then an optimizer step on
 * the server; after each round the checkpoint and progress are written (which renews the lease) and a pause
 * or cancel requested in between stops the job there. After each epoch the held-out split is measured;
 * `target_accuracy` stops early. At the end the weights are written into a copy of the model.
 */
import type { TrainingConfig, TrainingProgress } from '../training-config.js';
import { batchFeeds, weightFeeds, type FeedShape } from './batches.js';
import { loadCheckpoint, storeCheckpoint, type Checkpoint } from './checkpoint.js';
import { writeWeights, type TrainStep } from './gradient-graph/index.js';
import { initialOptimizerState, optimizerStep } from './optimizer.js';
import { shuffledIndices } from './seeded-random.js';
import type { StepWorker } from './step-worker.js';
import { asyncMix, fullSyncRound, semiSyncBuffer, type DeviceUpdate, type Weights } from './sync-modes.js';
import type { Samples, TrainingData } from './training-data.js';

export interface JobContext {
  id: string;
  config: TrainingConfig;
  progress: TrainingProgress;
  checkpoint: Record<string, unknown> | null;
  modelBytes: Uint8Array;
  step: TrainStep;
  shape: FeedShape;
  data: TrainingData;
  worker: StepWorker;
  /** Writes checkpoint and progress; answers whether to go on ('running') or the status that stops it. */
  save: (checkpoint: Record<string, unknown>, progress: TrainingProgress) => Promise<string | undefined>;
}

export type JobOutcome = { kind: 'finished'; model: Uint8Array } | { kind: 'stopped' };

/** FedAsync's mixing weight for a fresh update; docs/training.md says why 1. */
const ASYNC_ALPHA = 1;
/** FedBuff's staleness limit (versions). */
const MAX_STALENESS = 10;

/**
 * One round's updates (one per device that answered) folded into the job's weights by `sync_mode`. Training
 * runs on the built-in device only in this version, so each round has one fresh update (staleness 0), and
 * every mode yields exactly that device's weights; the rules themselves are in sync-modes.ts.
 */
function applyRound(
  mode: TrainingConfig['training_config']['sync_mode'],
  current: Weights,
  updates: DeviceUpdate[],
): Weights {
  if (mode === 'full_sync') return fullSyncRound(current, updates, 1);
  if (mode === 'async') return updates.reduce((w, u) => asyncMix(w, u, ASYNC_ALPHA), current);
  const buffer = semiSyncBuffer({ size: updates.length, maxStaleness: MAX_STALENESS });
  let weights = current;
  for (const u of updates) {
    const result = buffer.offer(weights, u, (version) => (version === current.version ? current.values : undefined));
    if (result.outcome === 'applied') weights = result.weights;
  }
  return weights;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

async function evaluate(ctx: JobContext, weights: Float32Array[], evalKey: string) {
  const { step, data, worker } = ctx;
  const held: Samples = data.heldOut;
  const size = ctx.config.data_config.batch_size;
  const weightsIn = weightFeeds(step, weights);
  const classes = step.labels.type === 'int64';
  if (classes) {
    const names = Object.fromEntries(step.weights.map((w, i) => [w.name, weights[i]!]));
    await worker.load(evalKey, writeWeights(ctx.modelBytes, names));
  }
  let loss = 0;
  let correct = 0;
  for (let from = 0; from < held.count; from += size) {
    const indices = range(from, Math.min(held.count, from + size));
    const feeds = batchFeeds(step, ctx.shape, held, indices);
    const out = await worker.run(`train:${ctx.id}`, { ...feeds, ...weightsIn });
    loss += out[step.lossOutput]!.data[0]! * indices.length;
    if (!classes) continue;
    const predicted = await worker.run(evalKey, { [step.dataInputs[0]!]: feeds[step.dataInputs[0]!]! });
    const output = predicted[step.output]!;
    const width = output.data.length / indices.length;
    indices.forEach((sample, row) => {
      let best = 0;
      for (let c = 1; c < width; c++) if (output.data[row * width + c]! > output.data[row * width + best]!) best = c;
      if (best === held.labels[sample]) correct += 1;
    });
  }
  if (classes) await worker.drop(evalKey);
  return { loss: loss / held.count, accuracy: classes ? correct / held.count : null };
}

export async function trainJob(ctx: JobContext): Promise<JobOutcome> {
  const { config, step, data, worker } = ctx;
  const { batch_size: size, seed } = config.data_config;
  const tc = config.training_config;
  const optimizerConfig = { optimizer: tc.optimizer, learningRate: tc.learning_rate, momentum: tc.momentum };
  const initial = step.weights.map((w) => Float32Array.from(w.values));
  const state: Checkpoint = ctx.checkpoint
    ? loadCheckpoint(ctx.checkpoint)
    : { version: 0, epoch: 0, batch: 0, weights: initial, optimizer: initialOptimizerState(optimizerConfig, initial) };
  const progress = { ...ctx.progress };
  const batchesPerEpoch = Math.ceil(data.train.count / size);
  await worker.load(`train:${ctx.id}`, step.model);
  try {
    let stop = false;
    while (state.epoch < tc.epochs && !stop) {
      const order = shuffledIndices(data.train.count, seed + state.epoch);
      while (state.batch < batchesPerEpoch) {
        const roundEnd = Math.min(batchesPerEpoch, state.batch + tc.local_steps);
        const working = state.weights.map((w) => Float32Array.from(w));
        let samples = 0;
        for (; state.batch < roundEnd; state.batch++) {
          const indices = order.slice(state.batch * size, (state.batch + 1) * size);
          const feeds = { ...batchFeeds(step, ctx.shape, data.train, indices), ...weightFeeds(step, working) };
          const out = await worker.run(`train:${ctx.id}`, feeds);
          const gradients = step.gradientOutputs.map((name) => out[name]!.data);
          optimizerStep(optimizerConfig, state.optimizer, working, gradients);
          samples += indices.length;
          progress.batches_completed += 1;
        }
        const next = applyRound(tc.sync_mode, { version: state.version, values: state.weights }, [
          { weights: working, samples, baseVersion: state.version },
        ]);
        state.weights = next.values;
        state.version = next.version;
        if (state.batch === batchesPerEpoch) {
          const measured = await evaluate(ctx, state.weights, `eval:${ctx.id}`);
          state.epoch += 1;
          state.batch = 0;
          progress.current_epoch = state.epoch;
          progress.current_loss = measured.loss;
          progress.best_loss = Math.min(progress.best_loss ?? Infinity, measured.loss);
          progress.accuracy = measured.accuracy;
          if (measured.accuracy !== null)
            progress.best_accuracy = Math.max(progress.best_accuracy ?? 0, measured.accuracy);
          const target = tc.target_accuracy;
          if (target !== undefined && measured.accuracy !== null && measured.accuracy >= target) stop = true;
        }
        progress.percent_complete =
          stop || state.epoch === tc.epochs
            ? 100
            : Math.min(100, (100 * progress.batches_completed) / progress.total_batches);
        const status = await ctx.save(storeCheckpoint(state), progress);
        if (status !== 'running') return { kind: 'stopped' };
        if (stop || state.batch === 0) break;
      }
    }
    const names = Object.fromEntries(step.weights.map((w, i) => [w.name, state.weights[i]!]));
    return { kind: 'finished', model: writeWeights(ctx.modelBytes, names) };
  } finally {
    await worker.drop(`train:${ctx.id}`).catch(() => undefined);
  }
}
