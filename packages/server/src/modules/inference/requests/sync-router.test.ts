import { describe, expect, it } from 'vitest';
import type { ConnectedDevice } from '../../devices/module.js';
import type { ExecutableModel } from './model-lookup.js';
import { MIN_SAMPLES, createSyncRouter } from './sync-router.js';

const model = {
  row: { inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }], outputs: [{ name: 'y', type: 'float32' }] },
  handle: { key: 'sha256:abc' },
} as unknown as ExecutableModel;
const device = (id: string, extra: Partial<ConnectedDevice> = {}, gpu = false): ConnectedDevice => ({
  deviceId: id,
  tenantId: 't1',
  running: 0,
  capabilities: {
    platform: 'linux',
    sdk_type: 'nodejs',
    sdk_version: '20',
    cpu_cores: 2,
    memory_bytes: 1,
    execution_providers: ['cpu'],
    max_tasks: 1,
    gpu: gpu ? { name: 'H100', memory_bytes: 1 } : null,
  },
  ...extra,
});

function setup(devices: ConnectedDevice[], waiting = 0) {
  const engine = { waiting: () => waiting, options: { maxBatchSize: 64, maxQueueDelayUs: 0, maxQueue: 10 } };
  const router = createSyncRouter({ connected: () => devices, engine });
  const measure = (place: string, ms: number) => {
    for (let i = 0; i <= MIN_SAMPLES; i++) router.record(model, place, ms);
  };
  return { router, measure, setWaiting: (n: number) => (waiting = n) };
}

describe('sync router', () => {
  it('runs in-process when no device is connected, or none of the tenant, or none with room', () => {
    expect(setup([]).router.route('t1', model, {})).toEqual({ where: 'local' });
    expect(setup([device('d1', { tenantId: 't2' })]).router.route('t1', model, {})).toEqual({ where: 'local' });
    expect(setup([device('d1', { running: 1 })]).router.route('t1', model, { preferGpu: true })).toEqual({
      where: 'local',
    });
  });

  it('keeps in-process when it is faster, or when the device is not measured and the queue is short', () => {
    const { router, measure } = setup([device('d1')]);
    expect(router.route('t1', model, {})).toEqual({ where: 'local' });
    measure('local', 2);
    measure('d1', 5);
    expect(router.route('t1', model, {})).toEqual({ where: 'local' });
    // Slightly faster is not enough: the device must be measurably faster (below 80 %).
    for (let i = 0; i < 15; i++) router.record(model, 'd1', 1.8);
    expect(router.estimate(model, 'd1')).toBe(1.8);
    expect(router.route('t1', model, {})).toEqual({ where: 'local' });
  });

  it('is not moved by one slow run (a median of the last runs)', () => {
    const { router, measure } = setup([device('d1')]);
    measure('d1', 5);
    router.record(model, 'local', 300);
    router.record(model, 'local', 60);
    router.record(model, 'local', 1);
    router.record(model, 'local', 1.2);
    expect(router.route('t1', model, {})).toEqual({ where: 'local' });
  });

  it('does not count the first run of a place (it loads the model)', () => {
    const { router } = setup([device('d1')]);
    router.record(model, 'local', 500);
    for (let i = 0; i < MIN_SAMPLES; i++) router.record(model, 'local', 2);
    for (let i = 0; i <= MIN_SAMPLES; i++) router.record(model, 'd1', 3);
    expect(router.estimate(model, 'local')).toBe(2);
    expect(router.route('t1', model, {})).toEqual({ where: 'local' });
  });

  it('sends a request to a device measured faster, and to the fastest one', () => {
    const { router, measure } = setup([device('d1'), device('d2')]);
    measure('local', 10);
    measure('d1', 6);
    for (let i = 0; i < 30; i++) router.record(model, 'd2', 2);
    expect(router.route('t1', model, {})).toEqual({ where: 'device', deviceId: 'd2', reason: 'faster' });
  });

  it('uses a device when the in-process queue is full, and tries an unmeasured one when it is half full', () => {
    const state = setup([device('d1')]);
    state.setWaiting(10);
    expect(state.router.route('t1', model, {})).toEqual({ where: 'device', deviceId: 'd1', reason: 'queue_full' });
    state.setWaiting(5);
    expect(state.router.route('t1', model, {})).toEqual({ where: 'device', deviceId: 'd1', reason: 'probe' });
    state.setWaiting(4);
    expect(state.router.route('t1', model, {})).toEqual({ where: 'local' });
  });

  it('honours prefer_gpu with a GPU device with room, and ignores it (in-process) without one', () => {
    const { router } = setup([device('cpu'), device('gpu', {}, true)]);
    expect(router.route('t1', model, { preferGpu: true })).toEqual({
      where: 'device',
      deviceId: 'gpu',
      reason: 'prefer_gpu',
    });
    expect(router.route('t1', model, {})).toEqual({ where: 'local' });
    expect(setup([device('cpu')]).router.route('t1', model, { preferGpu: true })).toEqual({ where: 'local' });
  });

  it('require_gpu: only a GPU device with room, else none (NO_DEVICES)', () => {
    const { router } = setup([device('cpu'), device('gpu', {}, true)]);
    expect(router.route('t1', model, { requireGpu: true })).toEqual({
      where: 'device',
      deviceId: 'gpu',
      reason: 'require_gpu',
    });
    expect(setup([device('cpu')]).router.route('t1', model, { requireGpu: true })).toEqual({ where: 'none' });
    expect(setup([]).router.route('t1', model, { requireGpu: true })).toEqual({ where: 'none' });
    expect(setup([device('gpu', { running: 1 }, true)]).router.route('t1', model, { requireGpu: true })).toEqual({
      where: 'none',
    });
  });

  it('never routes a model with a tensor type the protocol cannot carry', () => {
    const strings = { ...model, row: { ...model.row, inputs: [{ name: 'x', type: 'string', shape: [1] }] } };
    const { router } = setup([device('gpu', {}, true)], 10);
    expect(router.route('t1', strings as unknown as ExecutableModel, { preferGpu: true })).toEqual({
      where: 'local',
    });
  });
});
