/**
 * The shape of one recorded task (a sync request, a batch slice's row range, a training checkpoint's step
 * batches) and of a training progress sample, as modules hand them to the task recorder.
 */

/** The seed's instance type: `aws` is the platform's own compute (the built-in engine), `user` a device. */
export type DeviceKind = 'aws' | 'user';

export interface TaskRecord {
  tenantId: string;
  projectId: string | null;
  kind: 'inference' | 'batch' | 'training' | 'benchmark';
  jobId: string | null;
  deviceId: string;
  deviceKind: DeviceKind;
  processor: 'cpu' | 'gpu';
  /** Tasks in this record (items of a slice, step batches of a checkpoint), failed ones included. */
  tasks: number;
  failed: number;
  /** Time the device spent computing. */
  computeMs: number;
  /** What a caller waited per task (a sync request's latency; a slice's time per item). */
  latencyMs: number;
  bytesIn: number;
  bytesOut: number;
  finishedAt: Date;
}

export interface TrainingSample {
  jobId: string;
  tenantId: string;
  at: Date;
  batchesCompleted: number;
  samplesCompleted: number;
  accuracy: number | null;
  loss: number | null;
  devices: number;
  deviceKind: DeviceKind | 'mixed';
  /** Power the devices reported (watts), null when none did. */
  powerWatts: number | null;
}

/** The start of the UTC hour that `at` falls in. */
export function hourOf(at: Date): Date {
  const hour = new Date(at.getTime());
  hour.setUTCMinutes(0, 0, 0);
  return hour;
}
