import { describe, expect, it } from 'vitest';
import { matchingDevices, type TrainingDeviceSource } from './device-executors.js';

const device = (deviceId: string, tenantId: string, sdk_version = '20.19.0') => ({
  deviceId,
  tenantId,
  capabilities: { sdk_type: 'nodejs', sdk_version },
});
const source = (devices: ReturnType<typeof device>[]): TrainingDeviceSource => ({
  connected: () => devices,
  runTrainStep: () => Promise.reject(new Error('not used here')),
});

describe('matchingDevices', () => {
  it("offers a job only its own tenant's devices", () => {
    const connected = source([
      device('dev_a1', 'tenant_a'),
      device('dev_b1', 'tenant_b'),
      device('dev_a2', 'tenant_a'),
    ]);
    expect(
      matchingDevices(connected, 'tenant_a', { min_devices: 1, prefer_gpu: false }).map((d) => d.deviceId),
    ).toEqual(['dev_a1', 'dev_a2']);
    expect(matchingDevices(connected, 'tenant_c', { min_devices: 1, prefer_gpu: false })).toEqual([]);
  });

  it('keeps the sdk_types and min_sdk_version rules within the tenant', () => {
    const connected = source([device('dev_old', 'tenant_a', '18.0.0'), device('dev_new', 'tenant_a', '22.1.0')]);
    const matched = matchingDevices(connected, 'tenant_a', {
      min_devices: 1,
      prefer_gpu: false,
      min_sdk_version: '20.0.0',
    });
    expect(matched.map((d) => d.deviceId)).toEqual(['dev_new']);
  });
});
