/**
 * How batch work (job slices, per-item or stacked) shares the engine with sync traffic: a few units in
 * flight ("lanes") keep the workers busy without taking the whole queue, and a submission refused because
 * the queue is full waits for room and is tried again instead of failing.
 */
import type { EngineLike, InferenceEngine, ModelHandle } from '../engine/inference-engine.js';
import { QueueFullError } from '../engine/inference-errors.js';
import type { Feeds } from '../engine/tensors.js';

/** Wait between tries while the engine's queue is full. */
export const QUEUE_FULL_RETRY_MS = 5;

/**
 * Submits the feeds `makeFeeds()` builds (afresh for each try: tensors are moved to the worker thread);
 * with `retryWhenFull`, a QueueFullError is waited out rather than returned.
 */
export async function submitYielding(
  engine: EngineLike,
  handle: ModelHandle,
  makeFeeds: () => Feeds,
  options: { timeoutMs?: number; retryWhenFull?: boolean },
): ReturnType<InferenceEngine['submit']> {
  for (;;) {
    try {
      return await engine.submit(
        handle,
        makeFeeds(),
        options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {},
      );
    } catch (error) {
      if (!(error instanceof QueueFullError) || !options.retryWhenFull) throw error;
      await new Promise((resolve) => setTimeout(resolve, QUEUE_FULL_RETRY_MS));
    }
  }
}

/** Runs `work` over every unit, at most `lanes` at once, in order of the list. */
export async function inLanes<T>(units: T[], lanes: number, work: (unit: T) => Promise<void>): Promise<void> {
  let next = 0;
  const count = Math.max(1, Math.min(lanes, units.length));
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < units.length) await work(units[next++]!);
    }),
  );
}
