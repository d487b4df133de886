/**
 * Connected devices as train-step executors for a job: those of this process that meet the job's
 * `resource_config` (SDK type and version) may take it (device-scheduler.ts shares them among jobs), and
 * each runs a step over its socket (the run_train_step message, docs/device-protocol.md).
 */
import { createHash } from 'node:crypto';
import type { StepExecutor } from './engine/run-round.js';
import type { WireTensor as StepTensor } from './engine/step-protocol.js';
import { numbersOf, type WireTensor } from '@computeplane/device-protocol';
import type { TrainStep } from './engine/gradient-graph/index.js';
import { versionAtLeast } from './eligible-devices.js';
import type { TrainingConfig } from './training-config.js';

export interface TrainingDeviceSource {
  connected(): { deviceId: string; tenantId: string; capabilities: { sdk_type: string; sdk_version: string } }[];
  runTrainStep(
    deviceId: string,
    task: { graph: Uint8Array; sha256: string; inputs: Record<string, WireTensor> },
    timeoutMs: number,
  ): Promise<Record<string, WireTensor>>;
}

/** A step on a device may take this long before the device is left out of the job. */
const STEP_TIMEOUT_MS = 30_000;

/** The job's tenant's devices connected here that meet `resource_config`: a device never trains another tenant's model. */
export function matchingDevices(
  source: TrainingDeviceSource,
  tenantId: string,
  resources: TrainingConfig['resource_config'],
) {
  return source
    .connected()
    .filter(
      (d) =>
        d.tenantId === tenantId &&
        (!resources.sdk_types || resources.sdk_types.includes(d.capabilities.sdk_type)) &&
        (!resources.min_sdk_version || versionAtLeast(d.capabilities.sdk_version, resources.min_sdk_version)),
    );
}

/** A connected device as a train-step executor for one job's train-step graph. */
export function deviceExecutor(source: TrainingDeviceSource, step: TrainStep): (deviceId: string) => StepExecutor {
  const sha256 = createHash('sha256').update(step.model).digest('hex');
  // Typed arrays as they are: a binary frame sends their bytes (a JSON frame writes them as numbers).
  const toWire = (t: StepTensor): WireTensor => ({ type: t.type, dims: t.dims, data: t.data });
  return (deviceId) => ({
    id: deviceId,
    async run(feeds) {
      const inputs = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, toWire(t)]));
      const outputs = await source.runTrainStep(deviceId, { graph: step.model, sha256, inputs }, STEP_TIMEOUT_MS);
      return Object.fromEntries(
        Object.entries(outputs).map(([name, t]) => [
          name,
          { data: t.data instanceof Float32Array ? t.data : Float32Array.from(numbersOf(t.data)) },
        ]),
      );
    },
  });
}
