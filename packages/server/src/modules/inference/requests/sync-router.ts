/**
 * Where a sync request runs (docs/architecture.md, "Where work runs"): in-process by default; on a device
 * connected here only when that is measurably faster for this model, when the request prefers a GPU and a
 * GPU device has room, or when the in-process queue is full (the request would otherwise be refused 429).
 * The speed of each is a moving estimate of the whole run as the caller waits for it, per model and per
 * place: the median of its last WINDOW sync runs there (a median, not a mean: one run slowed by a busy
 * machine or a garbage collection must not send the next requests elsewhere).
 */
import type { ConnectedDevice } from '../../devices/module.js';
import { deviceCanRun } from '../engine/device-engine.js';
import type { InferenceEngine } from '../engine/inference-engine.js';
import type { ExecutableModel } from './model-lookup.js';

/** Runs an estimate keeps (the newest). */
export const WINDOW = 15;
/** Samples an estimate needs before routing trusts it (after the first, which is not counted). */
export const MIN_SAMPLES = 3;
/** A device must be at least this much faster (its estimate below this share of the in-process one). */
export const FASTER_BY = 0.8;

export type Route =
  | { where: 'local' }
  | { where: 'device'; deviceId: string; reason: RouteReason }
  /** `requireGpu` and no GPU device with room: the request is refused (NO_DEVICES). */
  | { where: 'none' };
export type RouteReason = 'prefer_gpu' | 'require_gpu' | 'queue_full' | 'faster' | 'probe';

interface Estimate {
  /** The newest runs, oldest first; the first run of a place (a cold start) is never among them. */
  runs: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function createSyncRouter(deps: {
  connected: () => ConnectedDevice[];
  engine: Pick<InferenceEngine, 'waiting' | 'options'>;
}) {
  const estimates = new Map<string, Estimate>();
  const keyOf = (model: ExecutableModel, place: string) => `${model.handle.key}|${place}`;
  const trusted = (estimate: Estimate | undefined) =>
    estimate !== undefined && estimate.runs.length >= MIN_SAMPLES ? median(estimate.runs) : undefined;

  return {
    route(tenantId: string, model: ExecutableModel, options: { preferGpu?: boolean; requireGpu?: boolean }): Route {
      const candidates = deps
        .connected()
        .filter(
          (device) =>
            device.tenantId === tenantId &&
            device.running < (device.capabilities.max_tasks ?? 1) &&
            deviceCanRun(model),
        );
      if (options.requireGpu) {
        const gpus = candidates.filter((device) => device.capabilities.gpu);
        return gpus.length > 0
          ? { where: 'device', deviceId: gpus[0]!.deviceId, reason: 'require_gpu' }
          : { where: 'none' };
      }
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
     * first run of a model in a place loads it (and a device downloads it), so it is not counted.
     */
    record(model: ExecutableModel, place: string, ms: number) {
      const key = keyOf(model, place);
      const estimate = estimates.get(key);
      if (!estimate) {
        estimates.set(key, { runs: [] });
        return;
      }
      estimate.runs.push(ms);
      if (estimate.runs.length > WINDOW) estimate.runs.shift();
    },
    /** The current estimate (median of the counted runs), for tests and logs. */
    estimate(model: ExecutableModel, place: string): number | undefined {
      const runs = estimates.get(keyOf(model, place))?.runs;
      return runs && runs.length > 0 ? median(runs) : undefined;
    },
  };
}

export type SyncRouter = ReturnType<typeof createSyncRouter>;
