/** resource_config against the training devices: SDK type and version filters, min and max devices. */
import { describe, expect, it } from 'vitest';
import { eligibleDevices, versionAtLeast } from './eligible-devices.js';

const builtin = { id: 'local/x', sdkType: 'nodejs', sdkVersion: '20.11.1', gpu: false };

describe('eligibleDevices', () => {
  it('compares versions numerically', () => {
    expect(versionAtLeast('1.10.0', '1.9')).toBe(true);
    expect(versionAtLeast('1.1.6', '1.1.6')).toBe(true);
    expect(versionAtLeast('1.1', '1.1.6')).toBe(false);
  });
  it('keeps the devices that match and refuses what no device meets with NO_TRAINING_DEVICES', () => {
    expect(
      eligibleDevices([builtin], { min_devices: 1, prefer_gpu: false, sdk_types: ['nodejs'], min_sdk_version: '18' }),
    ).toEqual([builtin]);
    for (const extra of [{ min_devices: 2 }, { sdk_types: ['python'] }, { min_sdk_version: '21' }]) {
      expect(() => eligibleDevices([builtin], { min_devices: 1, prefer_gpu: false, ...extra })).toThrow(
        expect.objectContaining({ code: 'NO_TRAINING_DEVICES', status: 400 }),
      );
    }
  });
});
