/**
 * Which devices can take a training job under its `resource_config`: the built-in device (this server's ONNX
 * Runtime, `nodejs` at the server's Node version) and the devices connected to this process. A `min_devices`
 * above what matches, or SDK requirements no device meets, are a 400 NO_TRAINING_DEVICES at submission.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import type { TrainingConfig } from './training-config.js';

export interface TrainingDevice {
  id: string;
  sdkType: string;
  sdkVersion: string;
  gpu: boolean;
}

/** Compares dotted versions numerically ("1.10" > "1.9"); a missing part counts as 0. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const b = minimum.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export function eligibleDevices(
  devices: TrainingDevice[],
  resources: TrainingConfig['resource_config'],
): TrainingDevice[] {
  const fits = devices.filter(
    (d) =>
      (!resources.sdk_types || resources.sdk_types.includes(d.sdkType)) &&
      (!resources.min_sdk_version || versionAtLeast(d.sdkVersion, resources.min_sdk_version)),
  );
  const usable = fits.slice(0, resources.max_devices ?? fits.length);
  if (usable.length === 0 || usable.length < resources.min_devices) {
    throw new ApiProblem(
      400,
      'NO_TRAINING_DEVICES',
      `No ${resources.min_devices} training device(s) meet resource_config: ${fits.length} of the ${devices.length} training device(s) here match its sdk_types and min_sdk_version${resources.max_devices !== undefined ? ` (max_devices ${resources.max_devices})` : ''}`,
    );
  }
  return usable;
}
