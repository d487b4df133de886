/**
 * This process's training devices shared among the jobs it runs (engine/allocate-devices.ts). A job asks for
 * its devices at the start of each round (`acquire`) and gives them back after it (`release`); the
 * allocation is recomputed at each ask from the jobs and the devices connected now. A device moved to
 * another job (drained) stays with its old job until that job's round ends, and the new job waits for it.
 */
import { allocateDevices, type AllocationJob } from './engine/allocate-devices.js';
import { matchingDevices, type TrainingDeviceSource } from './device-executors.js';
import type { TrainingConfig } from './training-config.js';

export interface ScheduledJob {
  tenantId: string;
  config: TrainingConfig;
}

/** How long a job waiting for a drained device sleeps before it looks again (devices may have joined). */
const RECHECK_MS = 500;

export const jobWeight = (config: TrainingConfig) => config.data_config.total_samples * config.training_config.epochs;

export function createDeviceScheduler(source: TrainingDeviceSource, builtinId: string) {
  const jobs = new Map<string, ScheduledJob & { held: string[]; excluded: Set<string> }>();
  const busy = new Map<string, string>();
  let waiters: (() => void)[] = [];
  let closed = false;
  const changed = () => {
    const woken = waiters;
    waiters = [];
    woken.forEach((wake) => wake());
  };

  function eligible(job: ScheduledJob, excluded: ReadonlySet<string>): string[] {
    const builtin = {
      deviceId: builtinId,
      tenantId: job.tenantId,
      capabilities: { sdk_type: 'nodejs', sdk_version: process.versions.node },
    };
    const here = { connected: () => [builtin, ...source.connected()], runTrainStep: source.runTrainStep };
    return matchingDevices(here, job.tenantId, job.config.resource_config)
      .map((d) => d.deviceId)
      .filter((d) => !excluded.has(d));
  }

  function plan(candidate?: { id: string; job: ScheduledJob }): Map<string, string[]> {
    const devices = [builtinId, ...source.connected().map((d) => d.deviceId)];
    const entries: AllocationJob[] = [...jobs].map(([id, job]) => ({
      id,
      weight: jobWeight(job.config),
      maxDevices: job.config.resource_config.max_devices ?? Infinity,
      eligible: eligible(job, job.excluded),
      held: job.held,
    }));
    if (candidate)
      entries.push({
        id: candidate.id,
        weight: jobWeight(candidate.job.config),
        maxDevices: candidate.job.config.resource_config.max_devices ?? Infinity,
        eligible: eligible(candidate.job, new Set()),
        held: [],
      });
    return allocateDevices(entries, devices);
  }

  return {
    /** How many devices a job not yet running here would get now (0: it would wait, queued). */
    estimate: (job: ScheduledJob) => plan({ id: '\u0000candidate', job }).get('\u0000candidate')!.length,
    add(id: string, job: ScheduledJob) {
      jobs.set(id, { ...job, held: [], excluded: new Set() });
      changed();
    },
    remove(id: string) {
      jobs.delete(id);
      for (const [device, owner] of busy) if (owner === id) busy.delete(device);
      changed();
    },
    /** Leaves a device out of a job for the rest of its claim (it failed a step). */
    exclude(id: string, device: string) {
      jobs.get(id)?.excluded.add(device);
    },
    /**
     * The job's devices for its next round, once at least one of them is not finishing another job's round;
     * [] when the job has no share now (it goes back to queued) or the scheduler was closed.
     */
    async acquire(id: string): Promise<string[]> {
      for (;;) {
        const job = jobs.get(id);
        if (closed || !job) return [];
        const share = plan().get(id) ?? [];
        if (share.length === 0) return [];
        job.held = share;
        const ready = share.filter((d) => (busy.get(d) ?? id) === id);
        if (ready.length > 0) {
          ready.forEach((d) => busy.set(d, id));
          return ready;
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, RECHECK_MS).unref();
        });
      }
    },
    release(id: string, devices: string[]) {
      for (const d of devices) if (busy.get(d) === id) busy.delete(d);
      changed();
    },
    close() {
      closed = true;
      changed();
    },
  };
}

export type DeviceScheduler = ReturnType<typeof createDeviceScheduler>;
