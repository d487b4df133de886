import { describe, expect, it } from 'vitest';
import { encodeServerMessage, parseDeviceMessage, parseServerMessage, PROTOCOL_VERSION } from './index.js';

describe('device protocol', () => {
  it('accepts well-formed frames and refuses others with the field at fault', () => {
    expect(parseDeviceMessage(JSON.stringify({ v: 1, type: 'heartbeat', running_tasks: 0 })).ok).toBe(true);
    expect(parseDeviceMessage('not json')).toEqual({ ok: false, error: 'frame is not JSON' });
    const wrongVersion = parseDeviceMessage(JSON.stringify({ v: 2, type: 'heartbeat', running_tasks: 0 }));
    expect(wrongVersion.ok).toBe(false);
    const negative = parseDeviceMessage(JSON.stringify({ v: 1, type: 'heartbeat', running_tasks: -1 }));
    expect(negative).toMatchObject({ ok: false, error: expect.stringMatching(/running_tasks/) });
    expect(
      parseServerMessage(JSON.stringify({ v: 1, type: 'get_logs', request_id: 'r', lines: 0, level: 'all' })).ok,
    ).toBe(false);
  });

  it('never encodes a frame the peer would refuse', () => {
    expect(() =>
      encodeServerMessage({
        v: PROTOCOL_VERSION,
        type: 'run_inference',
        task_id: 't',
        model_checksum: 'md5:x',
        inputs: {},
      }),
    ).toThrow();
  });
});
