/**
 * Inference's task records (platform/usage): one per sync request and one per completed job slice, with
 * where it ran (the built-in engine is the platform's own compute, `aws` in the seed's terms; a device is
 * `user`), on what processor, for how long, and how many bytes went in and out.
 */
import type { TaskRecord, TaskRecorder } from '../../platform/usage/index.js';
import type { ConnectedDevice } from '../devices/module.js';
import type { SliceDone } from './jobs/job-runner.js';

/** Where a task ran, as records name it. */
export interface Place {
  deviceId: string;
  deviceKind: TaskRecord['deviceKind'];
  processor: TaskRecord['processor'];
}

export const devicePlace = (device: Pick<ConnectedDevice, 'deviceId' | 'capabilities'>): Place => ({
  deviceId: device.deviceId,
  deviceKind: 'user',
  processor: device.capabilities.gpu !== null && device.capabilities.gpu !== undefined ? 'gpu' : 'cpu',
});

export const builtinPlace = (builtinId: string): Place => ({
  deviceId: builtinId,
  deviceKind: 'aws',
  processor: 'cpu',
});

export function recordSlice(recorder: TaskRecorder, place: Place, done: SliceDone, now: Date) {
  recorder.record({
    tenantId: done.job.tenantId,
    projectId: done.job.projectId,
    kind: done.job.kind === 'batch' ? 'batch' : 'inference',
    jobId: done.job.id,
    ...place,
    tasks: done.tasks,
    failed: done.failed,
    computeMs: done.computeMs,
    latencyMs: done.tasks > 0 ? done.computeMs / done.tasks : done.computeMs,
    bytesIn: done.bytesIn,
    bytesOut: done.bytesOut,
    finishedAt: now,
  });
}

export function recordSync(
  recorder: TaskRecorder,
  place: Place,
  request: { tenantId: string; projectId: string | null; ms: number; ok: boolean; bytesIn: number; bytesOut: number },
  now: Date,
) {
  recorder.record({
    tenantId: request.tenantId,
    projectId: request.projectId,
    kind: 'inference',
    jobId: null,
    ...place,
    tasks: 1,
    failed: request.ok ? 0 : 1,
    computeMs: request.ms,
    latencyMs: request.ms,
    bytesIn: request.bytesIn,
    bytesOut: request.bytesOut,
    finishedAt: now,
  });
}
