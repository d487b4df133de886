/**
 * The hub keeps each device's latest reported power: a device on a real socket sends `power_watts` in its
 * heartbeats (training checkpoints read it through `connected()`; training-records.test.ts).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { deviceRepository } from '../device-repository.js';
import { createDeviceHub, type DeviceHub } from './device-hub.js';

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
describe('device hub power reports', () => {
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

  it('keeps the latest power each device reported: a heartbeat without the field leaves it', async () => {
    const watts = () => hub.connected().find((d) => d.deviceId === 'dev_1')?.powerWatts;
    expect(watts()).toBeNull();
    send({ type: 'heartbeat', running_tasks: 0, power_watts: 42.5 });
    await expect.poll(watts).toBe(42.5);
    send({ type: 'heartbeat', running_tasks: 0 }); // a heartbeat of a worker that does not sample power
    send({ type: 'heartbeat', running_tasks: 1, power_watts: 40.25 });
    await expect.poll(watts).toBe(40.25);
    send({ type: 'heartbeat', running_tasks: 0 });
    send({ type: 'heartbeat', running_tasks: 0, power_watts: 7 });
    await expect.poll(watts).toBe(7);
    send({ type: 'heartbeat', running_tasks: 0, power_watts: null }); // it can no longer read it
    await expect.poll(watts).toBeNull();
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
