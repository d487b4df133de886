/**
 * Where a sync request runs (docs/architecture.md, "Where work runs"): in-process by default; on a device
 * connected here only when that is measurably faster for this model, when the request prefers a GPU and a
 * GPU device has room, or when the in-process queue is full (the request would otherwise be refused 429).
 * The speed of each is a moving estimate (EWMA) of the whole run as the caller waits for it, per model and
 * per place, updated by every sync request that ran there.
 */
import type { ConnectedDevice } from '../../devices/module.js';
import { deviceCanRun } from '../engine/device-engine.js';
import type { InferenceEngine } from '../engine/inference-engine.js';
import type { ExecutableModel } from './model-lookup.js';

/** Weight of the newest sample in an estimate. */
export const ESTIMATE_ALPHA = 0.2;
/** Samples an estimate needs before routing trusts it (after the first, which is not counted). */
export const MIN_SAMPLES = 3;
/** A device must be at least this much faster (its estimate below this share of the in-process one). */
export const FASTER_BY = 0.8;

export type Route = { where: 'local' } | { where: 'device'; deviceId: string; reason: RouteReason };
export type RouteReason = 'prefer_gpu' | 'queue_full' | 'faster' | 'probe';

interface Estimate {
  ms: number;
  samples: number;
}

export function createSyncRouter(deps: {
  connected: () => ConnectedDevice[];
  engine: Pick<InferenceEngine, 'waiting' | 'options'>;
}) {
  const estimates = new Map<string, Estimate>();
  const keyOf = (model: ExecutableModel, place: string) => `${model.handle.key}|${place}`;
  const trusted = (estimate: Estimate | undefined) =>
    estimate !== undefined && estimate.samples >= MIN_SAMPLES ? estimate.ms : undefined;

  return {
    route(tenantId: string, model: ExecutableModel, options: { preferGpu?: boolean }): Route {
      const candidates = deps
        .connected()
        .filter(
          (device) =>
            device.tenantId === tenantId &&
            device.running < (device.capabilities.max_tasks ?? 1) &&
            deviceCanRun(model),
        );
      if (candidates.length === 0) return { where: 'local' };
      const estimateOf = (device: ConnectedDevice) => trusted(estimates.get(keyOf(model, device.deviceId)));
      // The fastest known device first, then the least loaded.
      const best = (list: ConnectedDevice[]) =>
        [...list].sort(
          (a, b) =>
            (estimateOf(a) ?? Number.POSITIVE_INFINITY) - (estimateOf(b) ?? Number.POSITIVE_INFINITY) ||
            a.running - b.running,
        )[0]!;
      if (options.preferGpu) {
        const gpus = candidates.filter((device) => device.capabilities.gpu);
        if (gpus.length > 0) return { where: 'device', deviceId: best(gpus).deviceId, reason: 'prefer_gpu' };
      }
      const waiting = deps.engine.waiting();
      if (waiting >= deps.engine.options.maxQueue)
        return { where: 'device', deviceId: best(candidates).deviceId, reason: 'queue_full' };
      const local = trusted(estimates.get(keyOf(model, 'local')));
      const fastest = best(candidates);
      const remote = estimateOf(fastest);
      if (local !== undefined && remote !== undefined && remote < local * FASTER_BY)
        return { where: 'device', deviceId: fastest.deviceId, reason: 'faster' };
      // A long in-process queue (half full) is when a device not measured yet is tried, so it gets measured.
      const unmeasured = candidates.find((device) => estimateOf(device) === undefined);
      if (unmeasured && waiting >= deps.engine.options.maxQueue / 2)
        return { where: 'device', deviceId: unmeasured.deviceId, reason: 'probe' };
      return { where: 'local' };
    },
    /**
     * A sync request ran `ms` (as its caller waited) in-process (`local`) or on the device `place`. The
     * first run of a model in a place loads it (and a device downloads it), so it only opens the estimate:
     * the second replaces it, and later ones are mixed in.
     */
    record(model: ExecutableModel, place: string, ms: number) {
      const key = keyOf(model, place);
      const previous = estimates.get(key);
      estimates.set(
        key,
        !previous
          ? { ms, samples: 0 }
          : previous.samples === 0
            ? { ms, samples: 1 }
            : { ms: previous.ms + ESTIMATE_ALPHA * (ms - previous.ms), samples: previous.samples + 1 },
      );
    },
    /** The current estimate, for tests and logs. */
    estimate(model: ExecutableModel, place: string): number | undefined {
      return estimates.get(keyOf(model, place))?.ms;
    },
  };
}

export type SyncRouter = ReturnType<typeof createSyncRouter>;
