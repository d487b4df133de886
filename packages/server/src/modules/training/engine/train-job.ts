/**
 * Trains one claimed job from its checkpoint (or from the model's weights), round by round on the devices
 * the scheduler gives it for that round (device-scheduler.ts): a round is `local_steps` batches per device,
 * each a train step then an optimizer step on the server; after each round the checkpoint and progress are written (which renews the lease) and a pause
 * or cancel requested in between stops the job there. After each epoch the held-out split is measured;
 * `target_accuracy` stops early. At the end the weights are written into a copy of the model.
 */
import type { TrainingConfig, TrainingProgress } from '../training-config.js';
import { batchFeeds, weightFeeds, type FeedShape } from './batches.js';
import { loadCheckpoint, storeCheckpoint, type Checkpoint } from './checkpoint.js';
import { writeWeights, type TrainStep } from './gradient-graph/index.js';
import { initialOptimizerState } from './optimizer.js';
import { shuffledIndices } from './seeded-random.js';
import type { StepWorker } from './step-worker.js';
import { devicePulls } from './device-pulls.js';
import { MAX_STALENESS, runRound, type StepExecutor } from './run-round.js';
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
  /** The devices for the next round ([]: the job has no share now and goes back to queued). */
  acquire: () => Promise<string[]>;
  /** The round on these devices is over. */
  release: (ids: string[]) => void;
  /** A device failed a step: left out of this job from now on. */
  exclude: (id: string) => void;
  /** Runs train steps on a device (the built-in step thread, or a connected device over its socket). */
  executor: (id: string) => StepExecutor;
  /** Told when the job's devices changed. */
  devicesChanged: (ids: string[]) => Promise<void>;
  now?: () => number;
  /** Writes checkpoint and progress; answers whether to go on ('running') or the status that stops it. */
  save: (checkpoint: Record<string, unknown>, progress: TrainingProgress) => Promise<string | undefined>;
}

export type JobOutcome = { kind: 'finished'; model: Uint8Array } | { kind: 'stopped' } | { kind: 'preempted' };

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
  const mode = tc.sync_mode;
  const pulls = devicePulls({
    intervalMs: mode === 'full_sync' ? 0 : tc.sync_interval_ms,
    maxStaleness: mode === 'semi_sync' ? MAX_STALENESS : Infinity,
    now: ctx.now ?? Date.now,
  });
  let assigned: string[] = [];
  try {
    let stop = false;
    while (state.epoch < tc.epochs && !stop) {
      const order = shuffledIndices(data.train.count, seed + state.epoch);
      while (state.batch < batchesPerEpoch) {
        const ids = await ctx.acquire();
        if (ids.length === 0) return { kind: 'preempted' };
        if (ids.join() !== assigned.join()) await ctx.devicesChanged((assigned = ids));
        const roundEnd = Math.min(batchesPerEpoch, state.batch + tc.local_steps * ids.length);
        const batches = range(state.batch, roundEnd).map((b) => order.slice(b * size, (b + 1) * size));
        const current = { version: state.version, values: state.weights };
        const round = await runRound({
          executors: ids.map(ctx.executor),
          step,
          shape: ctx.shape,
          train: data.train,
          batches,
          localSteps: tc.local_steps,
          weights: current,
          optimizer: state.optimizer,
          optimizerConfig,
          mode,
          start: (id) => pulls.start(id, current, state.optimizer),
        }).finally(() => ctx.release(ids));
        round.ended.forEach((end, id) => pulls.ended(id, end));
        // A device that failed is left out from now on.
        for (const id of round.failed) {
          pulls.forget(id);
          ctx.exclude(id);
        }
        state.weights = round.weights.values;
        state.version = round.weights.version;
        state.optimizer = round.optimizer;
        progress.batches_completed += roundEnd - state.batch;
        state.batch = roundEnd;
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
