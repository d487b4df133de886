/**
 * Power from heartbeats to training samples: a device on a real socket reports `power_watts` in its
 * heartbeats, the device hub keeps the latest, and a checkpoint's sample sums it over the devices that
 * trained (the built-in device's from its own sampler); null when none of them reported any.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import type { TaskRecorder } from '../../platform/usage/index.js';
import type { TrainingSample } from '../../platform/usage/task-record.js';
import { deviceRepository } from '../devices/device-repository.js';
import { createDeviceHub, type DeviceHub } from '../devices/engine/device-hub.js';
import type { TrainingProgress } from './training-config.js';
import type { TrainingRow } from './training-repository.js';
import { trainingRecords } from './training-records.js';

const capabilities = {
  platform: 'linux',
  sdk_type: 'nodejs',
  sdk_version: '20.19.0',
  cpu_cores: 2,
  memory_bytes: 1024 ** 3,
  gpu: null,
  execution_providers: ['cpu'],
  max_tasks: 1,
};
const job = {
  id: 'train_1',
  tenantId: 'tenant_a',
  projectId: null,
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  progress: { batches_completed: 0 },
  config: { data_config: { batch_size: 8 } },
} as unknown as TrainingRow;
const progress = (batches: number): TrainingProgress => ({
  current_epoch: 1,
  total_epochs: 1,
  batches_completed: batches,
  total_batches: 100,
  percent_complete: batches,
  current_loss: 1,
  best_loss: 1,
  accuracy: null,
  best_accuracy: null,
});

describe('training samples record the power devices report', () => {
  let db: TestDatabase;
  let hub: DeviceHub;
  let server: WebSocketServer;
  let device: WebSocket;
  const send = (frame: object) => device.send(JSON.stringify({ v: 2, ...frame }));

  beforeAll(async () => {
    db = await testDrivers[0]!.create();
    hub = createDeviceHub({
      repository: deviceRepository(db.database.db),
      node: 'node-test',
      settings: { heartbeatIntervalMs: 60_000, offlineAfterMs: 180_000 },
      clock: () => new Date(),
      logger: pino({ level: 'silent' }),
    });
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket) => hub.accept(socket, 'dev_1', 'tenant_a'));
    await once(server, 'listening');
    device = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await once(device, 'open');
    send({ type: 'hello', capabilities });
    await once(device, 'message'); // welcome
  });
  afterAll(async () => {
    device.close();
    await hub.close();
    server.close();
    await db.dispose();
  });

  it('keeps the latest reported power, and sums it with the built-in device at a checkpoint', async () => {
    const samples: TrainingSample[] = [];
    let builtin: number | null = null;
    const recorder = {
      record: () => undefined,
      sample: (sample: TrainingSample) => samples.push(sample),
      projects: { withdraw: () => Promise.resolve() },
    } as unknown as TaskRecorder;
    const checkpoint = trainingRecords({
      recorder,
      clock: () => new Date(),
      builtinId: 'local/node-test',
      connected: () => hub.connected(),
      builtinPower: () => builtin,
    });
    const watts = () => hub.connected().find((d) => d.deviceId === 'dev_1')?.powerWatts;

    expect(watts()).toBeNull();
    checkpoint(job, progress(1), ['dev_1', 'local/node-test']);
    expect(samples.at(-1)!.powerWatts).toBeNull(); // nobody reported

    send({ type: 'heartbeat', running_tasks: 0, power_watts: 42.5 });
    await expect.poll(watts).toBe(42.5);
    send({ type: 'heartbeat', running_tasks: 0 }); // a version-1 worker's heartbeat: no field, no change
    send({ type: 'heartbeat', running_tasks: 1, power_watts: 40.25 });
    await expect.poll(watts).toBe(40.25);
    checkpoint(job, progress(2), ['dev_1']);
    expect(samples.at(-1)!.powerWatts).toBe(40.3);
    builtin = 100;
    checkpoint(job, progress(3), ['dev_1', 'local/node-test']);
    expect(samples.at(-1)!.powerWatts).toBe(140.3);

    send({ type: 'heartbeat', running_tasks: 0, power_watts: null }); // it can no longer read it
    await expect.poll(watts).toBeNull();
    checkpoint(job, progress(4), ['dev_1']);
    expect(samples.at(-1)!.powerWatts).toBeNull();
  });

  it('refuses a negative power draw with an error frame naming the field', async () => {
    send({ type: 'heartbeat', running_tasks: 0, power_watts: -1 });
    const [raw] = (await once(device, 'message')) as [Buffer];
    expect(JSON.parse(raw.toString())).toMatchObject({
      type: 'error',
      message: expect.stringContaining('power_watts'),
    });
  });
});
