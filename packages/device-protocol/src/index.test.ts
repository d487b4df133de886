import { describe, expect, it } from 'vitest';
import {
  encodeBinaryFrame,
  encodeDeviceMessage,
  encodeServerMessage,
  parseDeviceMessage,
  parseServerMessage,
  PROTOCOL_VERSION,
} from './index.js';

describe('device protocol', () => {
  it('accepts well-formed frames and refuses others with the field at fault', () => {
    expect(parseDeviceMessage(JSON.stringify({ v: 1, type: 'heartbeat', running_tasks: 0 })).ok).toBe(true);
    expect(parseDeviceMessage('not json')).toEqual({ ok: false, error: 'frame is not JSON' });
    const wrongVersion = parseDeviceMessage(JSON.stringify({ v: 3, type: 'heartbeat', running_tasks: 0 }));
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

  it('binary frames (v2): tensors and the graph round-trip as typed arrays and bytes', () => {
    const graph = Buffer.from([8, 7, 1, 2, 3]);
    const frame = encodeServerMessage(
      {
        v: 2,
        type: 'run_train_step',
        task_id: 't1',
        graph_sha256: 'a'.repeat(64),
        graph,
        inputs: {
          x: { type: 'float32', dims: [2, 2], data: Float32Array.from([0.5, -1, 3.25, 1e-7]) },
          labels: { type: 'int64', dims: [2], data: [2, 0] },
          mask: { type: 'bool', dims: [2], data: [true, false] },
        },
      },
      true,
    );
    expect(Buffer.isBuffer(frame)).toBe(true);
    const parsed = parseServerMessage(frame as Buffer, true);
    if (!parsed.ok || parsed.message.type !== 'run_train_step') throw new Error(JSON.stringify(parsed));
    expect(parsed.message.graph).toEqual(new Uint8Array(graph));
    expect(parsed.message.inputs.x!.data).toEqual(Float32Array.from([0.5, -1, 3.25, 1e-7]));
    expect(parsed.message.inputs.labels!.data).toEqual(BigInt64Array.from([2n, 0n]));
    expect(parsed.message.inputs.mask!.data).toEqual(Uint8Array.from([1, 0]));
    // Smaller than the same message as JSON text.
    const text = encodeServerMessage({ ...parsed.message, v: 2 });
    expect(typeof text).toBe('string');
    expect(JSON.parse(text as string).inputs.x.data).toEqual([0.5, -1, 3.25, Math.fround(1e-7)]);
    expect(JSON.parse(text as string).graph).toBe(Buffer.from(graph).toString('base64'));
  });

  it('a device result goes back binary, and a malformed binary frame is refused with a reason', () => {
    const result = encodeDeviceMessage(
      {
        v: 2,
        type: 'result',
        task_id: 't1',
        ok: true,
        outputs: { loss: { type: 'float32', dims: [], data: Float32Array.from([0.25]) } },
        duration_ms: 1,
      },
      true,
    );
    const parsed = parseDeviceMessage(result as Buffer, true);
    expect(parsed.ok && parsed.message.type === 'result' && parsed.message.outputs!.loss!.data).toEqual(
      Float32Array.from([0.25]),
    );
    const outside = encodeBinaryFrame({ v: 2, type: 'result', task_id: 't', ok: true, duration_ms: 1 });
    const header = Buffer.from(
      JSON.stringify({
        v: 2,
        type: 'result',
        task_id: 't',
        ok: true,
        duration_ms: 1,
        outputs: { y: { type: 'float32', dims: [1], data: { $bin: [0, 400] } } },
      }),
    );
    const bad = Buffer.concat([Buffer.from([header.byteLength, 0, 0, 0]), header]);
    expect(parseDeviceMessage(bad, true)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/outside the payload/),
    });
    expect(parseDeviceMessage(outside, true).ok).toBe(true);
    expect(parseDeviceMessage(Buffer.from([1, 0]), true)).toMatchObject({ ok: false });
  });
});
