/**
 * `sync_interval_ms` (docs/training.md, "Weight pulls"): in async and semi_sync a device keeps training on
 * its own copy of the weights between pulls. At the start of each of its shards it pulls the job's newest
 * weights (and the server's optimizer state) when it has none yet, when `sync_interval_ms` or more has
 * passed since its last pull, or when its copy is more than `maxStaleness` versions old; otherwise it goes
 * on from the weights it ended its previous shard with. Its update's staleness counts the versions applied
 * since its last pull that it has not seen: those from other devices' updates (its own are in its weights).
 * full_sync pulls every round (interval 0).
 */
import type { OptimizerState } from './optimizer.js';
import type { DeviceStart } from './run-round.js';
import type { Weights } from './sync-modes.js';

export function devicePulls(options: { intervalMs: number; maxStaleness: number; now: () => number }) {
  const local = new Map<string, DeviceStart & { pulledAt: number }>();
  return {
    start(deviceId: string, current: Weights, optimizer: OptimizerState): DeviceStart {
      const mine = local.get(deviceId);
      const now = options.now();
      if (
        mine &&
        now - mine.pulledAt < options.intervalMs &&
        current.version - mine.baseVersion <= options.maxStaleness
      )
        return mine;
      const pulled = { weights: current.values, optimizer, baseVersion: current.version, pulledAt: now };
      local.set(deviceId, pulled);
      return pulled;
    },
    /**
     * The device ended a shard with these weights and its update was applied (it goes on from them until its
     * next pull): the one version its update made is one it has seen.
     */
    ended(deviceId: string, state: DeviceStart) {
      const mine = local.get(deviceId);
      if (mine) local.set(deviceId, { ...state, baseVersion: state.baseVersion + 1, pulledAt: mine.pulledAt });
    },
    forget: (deviceId: string) => local.delete(deviceId),
  };
}
