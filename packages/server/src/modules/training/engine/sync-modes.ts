/**
 * How a round's device updates become the job's weights, per `sync_mode` (docs/training.md, "Sync modes").
 * An update is the weights a device ended with after training from weight version `baseVersion`, and the
 * samples it trained on.
 *
 * - full_sync (FedAvg): every assigned device trains from the same weights; the round's result is the
 *   sample-weighted mean of the updates. Fewer than `minResults` updates (a device dropped out and too few
 *   remain, or none came) keeps the previous weights.
 * - semi_sync (FedBuff): updates are buffered with the staleness `tau = version - baseVersion` they arrived
 *   with; an update staler than `maxStaleness` is refused. When K are buffered, their deltas
 *   `update - base` are averaged with weights `samples / sqrt(1 + tau)` and added to the current weights.
 * - async (FedAsync): each update is mixed in as it arrives, `w = (1 - a) w + a * update`, with
 *   `a = alpha / sqrt(1 + tau)`.
 *
 * Every applied aggregation increments the version by one.
 */
export interface DeviceUpdate {
  weights: Float32Array[];
  samples: number;
  baseVersion: number;
  /** The weights the device started this update from, when not those of `baseVersion` (semi_sync's delta base). */
  start?: Float32Array[];
}

export interface Weights {
  version: number;
  values: Float32Array[];
}

const staleness = (current: Weights, update: DeviceUpdate) => Math.max(0, current.version - update.baseVersion);

/** FedAvg: the sample-weighted mean of the round's updates, or the previous weights below `minResults`. */
export function fullSyncRound(current: Weights, updates: DeviceUpdate[], minResults: number): Weights {
  const total = updates.reduce((sum, u) => sum + u.samples, 0);
  if (updates.length < Math.max(1, minResults) || total === 0) return current;
  const values = current.values.map((w, i) => {
    const mean = new Float32Array(w.length);
    for (const u of updates) {
      const share = u.samples / total;
      const tensor = u.weights[i]!;
      for (let j = 0; j < mean.length; j++) mean[j]! += share * tensor[j]!;
    }
    return mean;
  });
  return { version: current.version + 1, values };
}

/** FedAsync: mixes one update in at once, its weight scaled down by staleness. */
export function asyncMix(current: Weights, update: DeviceUpdate, alpha: number): Weights {
  const a = alpha / Math.sqrt(1 + staleness(current, update));
  const values = current.values.map((w, i) => {
    const tensor = update.weights[i]!;
    return Float32Array.from(w, (value, j) => (1 - a) * value + a * tensor[j]!);
  });
  return { version: current.version + 1, values };
}

interface Buffered {
  delta: Float32Array[];
  weight: number;
}

/**
 * FedBuff's buffer: `offer` answers 'refused' for an update staler than `maxStaleness`, 'buffered' while
 * fewer than `size` are held, and 'applied' with the new weights when the buffer filled and was applied.
 * `base(version)` gives the weights an update started from (the caller keeps the last `maxStaleness + 1`).
 */
export function semiSyncBuffer(options: { size: number; maxStaleness: number }) {
  let buffer: Buffered[] = [];
  return {
    get length() {
      return buffer.length;
    },
    offer(
      current: Weights,
      update: DeviceUpdate,
      base: (version: number) => Float32Array[] | undefined,
    ): { outcome: 'refused' | 'buffered' } | { outcome: 'applied'; weights: Weights } {
      const tau = staleness(current, update);
      const start = update.start ?? base(update.baseVersion);
      if (tau > options.maxStaleness || !start) return { outcome: 'refused' };
      buffer.push({
        delta: update.weights.map((w, i) => Float32Array.from(w, (value, j) => value - start[i]![j]!)),
        weight: update.samples / Math.sqrt(1 + tau),
      });
      if (buffer.length < options.size) return { outcome: 'buffered' };
      const total = buffer.reduce((sum, b) => sum + b.weight, 0);
      const values = current.values.map((w, i) => {
        const next = Float32Array.from(w);
        for (const b of buffer) for (let j = 0; j < next.length; j++) next[j]! += (b.weight / total) * b.delta[i]![j]!;
        return next;
      });
      buffer = [];
      return { outcome: 'applied', weights: { version: current.version + 1, values } };
    },
  };
}
