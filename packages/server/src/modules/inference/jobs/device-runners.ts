/**
 * One job runner per device connected to this process (docs/architecture.md, "Where work runs"): when a
 * device says hello, a runner with the device's engine claims its tenant's slices through the same
 * claim/lease/claim_token rules as the in-process runner, `max_tasks` at a time, renewing the lease while
 * the device works. When its socket closes the runner stops and the slices it held are given back at once
 * (a device that vanished without closing is cut off by the hub's liveness sweep, or its lease runs out).
 */
import type { Logger } from 'pino';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import type { ConnectedDevice, DevicesModule } from '../../devices/module.js';
import { createDeviceEngine, deviceCanRun } from '../engine/device-engine.js';
import type { EngineLike } from '../engine/inference-engine.js';
import type { ModelLookup } from '../requests/model-lookup.js';
import type { JobRepository } from './job-repository.js';
import { createJobRunner, type JobRunner, type SliceDone } from './job-runner.js';

export type DeviceExecutors = DevicesModule['executors'];

export const hasGpu = (device: Pick<ConnectedDevice, 'capabilities'>) =>
  device.capabilities.gpu !== null && device.capabilities.gpu !== undefined;

export function createDeviceRunners(deps: {
  executors: DeviceExecutors;
  jobs: JobRepository;
  models: ModelLookup;
  blobs: BlobStore;
  logger: Logger;
  clock: () => Date;
  engineOptions: EngineLike['options'];
  leaseMs: number;
  pollMs: number;
  offlineAfterMs: number;
  /** A device's runner completed a slice (for the task records). */
  onSliceDone?: (device: ConnectedDevice, done: SliceDone) => void;
}) {
  const runners = new Map<string, JobRunner>();
  let unwatch: (() => void) | undefined;

  function ready(device: ConnectedDevice) {
    if (runners.has(device.deviceId)) return;
    const engine = createDeviceEngine(
      { deviceId: device.deviceId, run: deps.executors.run },
      deps.engineOptions,
      deps.executors.classify,
    );
    const maxTasks = device.capabilities.max_tasks ?? 1;
    const runner = createJobRunner({
      jobs: deps.jobs,
      engine,
      models: deps.models,
      blobs: deps.blobs,
      logger: deps.logger,
      clock: deps.clock,
      // One slice per claim, so a slice given back never takes another with it (release is per claim token).
      options: {
        workerId: device.deviceId,
        claimSize: 1,
        concurrency: maxTasks,
        leaseMs: deps.leaseMs,
        pollMs: deps.pollMs,
      },
      placement: {
        scope: () => ({
          tenantId: device.tenantId,
          gpu: hasGpu(device),
          skipPeerJobs: true,
          staleBefore: new Date(deps.clock().getTime() - deps.offlineAfterMs),
        }),
        canRun: deviceCanRun,
        lost: engine.lost,
      },
      ...(deps.onSliceDone ? { onSliceDone: (done: SliceDone) => deps.onSliceDone!(device, done) } : {}),
    });
    runners.set(device.deviceId, runner);
    runner.start();
    deps.logger.info({ device_id: device.deviceId }, 'device takes inference slices');
  }

  function gone(deviceId: string) {
    const runner = runners.get(deviceId);
    if (!runner) return;
    runners.delete(deviceId);
    void runner.stop(0);
  }

  return {
    start() {
      unwatch = deps.executors.watch(ready, gone);
      for (const device of deps.executors.connected()) ready(device);
    },
    /** New work was stored: every device's runner looks now. */
    notify() {
      for (const runner of runners.values()) runner.notify();
    },
    async stop() {
      unwatch?.();
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
      runners.clear();
    },
  };
}

export type DeviceRunners = ReturnType<typeof createDeviceRunners>;
