/** Contract: the devices area (register, list, stats, get, live logs over the socket, model files by checksum). */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, parseServerMessage, type ServerMessage } from '@computeplane/device-protocol';
import { createClient, unwrap } from '@computeplane/sdk';
import { createApp } from '@computeplane/server';
import {
  downloadDeviceModel,
  getDevice,
  getDeviceLogs,
  getDeviceStats,
  iterateDevices,
  listDevices,
  registerDevice,
} from '@computeplane/sdk/devices';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixtureBytes, fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, serverFor } from './harness.js';

const capabilities = {
  platform: 'linux',
  sdk_type: 'nodejs',
  sdk_version: '20.19.0',
  cpu_cores: 2,
  memory_bytes: 1024 ** 3,
  gpu: null,
  execution_providers: ['cpu'],
};

/** A raw device socket the test drives: it answers only what the test tells it to. */
async function connect(baseUrl: string, wsPath: string, token: string, version: number = PROTOCOL_VERSION) {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}${wsPath}`, { headers: { 'X-SDK-Token': token } });
  const received: ServerMessage[] = [];
  const waiters: ((message: ServerMessage) => void)[] = [];
  const binaryFrames: ServerMessage['type'][] = [];
  socket.on('message', (data, isBinary) => {
    const parsed = isBinary ? parseServerMessage(data as Buffer, true) : parseServerMessage(data.toString());
    if (parsed.ok && isBinary) binaryFrames.push(parsed.message.type);
    if (!parsed.ok) throw new Error(parsed.error);
    received.push(parsed.message);
    waiters.splice(0).forEach((waiter) => waiter(parsed.message));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (type: ServerMessage['type']) =>
    new Promise<ServerMessage>((resolve) => {
      const found = received.find((message) => message.type === type);
      if (found) {
        received.splice(received.indexOf(found), 1);
        return resolve(found);
      }
      const wait = (message: ServerMessage) => {
        if (message.type === type) {
          received.splice(received.indexOf(message), 1);
          resolve(message);
        } else waiters.push(wait);
      };
      waiters.push(wait);
    });
  const send = (message: object) => socket.send(JSON.stringify({ v: version, ...message }));
  send({ type: 'hello', capabilities });
  const welcome = await next('welcome');
  return { socket, next, send, welcome, binaryFrames, close: () => socket.close() };
}

/** The HTTP status of a refused upgrade. */
function upgradeStatus(baseUrl: string, path: string, token?: string) {
  return new Promise<number>((resolve) => {
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}${path}`, {
      headers: token ? { 'X-SDK-Token': token } : {},
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => undefined);
  });
}

describe.each(testDrivers)('devices contract on $name', (driver) => {
  const suite = serverFor(driver, { settings: { devices: { heartbeatIntervalMs: 200, offlineAfterMs: 800 } } });
  const register = async (client = suite.server.clientA, name = 'box') =>
    (await conform('registerDevice', registerDevice(client, { body: { name, capabilities } }))).data!;

  it('registers a device: its token, socket path and intervals; offline until it says hello', async () => {
    const registration = await register();
    expect(registration).toMatchObject({
      device_id: expect.stringMatching(/^dev_/),
      sdk_token: expect.stringMatching(/^cp_sdk_/),
      protocol_version: 2,
      ws_path: `/api/v1/devices/${registration.device_id}/socket`,
      heartbeat_interval_ms: 200,
      offline_after_ms: 800,
    });
    const { data } = await conform(
      'getDevice',
      getDevice(suite.server.clientA, { params: { path: { id: registration.device_id } } }),
    );
    expect(data).toMatchObject({ kind: 'worker', status: 'offline', last_heartbeat_at: null, capabilities });
    await conformError(
      'getDevice',
      getDevice(suite.server.clientB, { params: { path: { id: registration.device_id } } }),
      404,
      'NOT_FOUND',
    );
  });

  it('lists the built-in device first, on an empty tenant too, and filters by status', async () => {
    const fresh = suite.server.client({ apiKey: suite.server.keyB });
    const { data } = await conform('listDevices', listDevices(fresh));
    expect(data!.devices[0]).toMatchObject({ kind: 'builtin', status: 'idle', id: expect.stringMatching(/^local\//) });
    const builtinId = data!.devices[0]!.id;
    const { data: one } = await conform('getDevice', getDevice(fresh, { params: { path: { id: builtinId } } }));
    expect(one!.capabilities.sdk_type).toBe('nodejs');

    const online = await register(suite.server.clientA, 'online');
    const device = await connect(suite.server.baseUrl, online.ws_path, online.sdk_token);
    try {
      const idle = (
        await conform('listDevices', listDevices(suite.server.clientA, { params: { query: { status: 'idle' } } }))
      ).data!;
      expect(idle.devices.map((item) => item.id)).toContain(online.device_id);
      device.send({ type: 'heartbeat', running_tasks: 1 });
      await expect
        .poll(
          async () =>
            (await unwrap(getDevice(suite.server.clientA, { params: { path: { id: online.device_id } } }))).status,
        )
        .toBe('busy');
      const busy = (
        await conform('listDevices', listDevices(suite.server.clientA, { params: { query: { status: 'busy' } } }))
      ).data!;
      expect(busy.devices.map((item) => item.id)).toEqual([online.device_id]);
      const offline = await unwrap(listDevices(suite.server.clientA, { params: { query: { status: 'offline' } } }));
      expect(offline.devices.every((item) => item.status === 'offline')).toBe(true);
      expect(offline.devices.map((item) => item.id)).not.toContain(online.device_id);
      const all = [];
      for await (const item of iterateDevices(suite.server.clientA, {}, 1)) all.push(item.id);
      expect(all[0]).toMatch(/^local\//);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toContain(online.device_id);
      const stats = (await conform('getDeviceStats', getDeviceStats(suite.server.clientA))).data!;
      expect(stats.busy).toBe(1);
      expect(stats.total).toBe(stats.idle + stats.busy + stats.offline);
      expect(stats.total).toBe(all.length);
    } finally {
      device.close();
    }
    await expect
      .poll(
        async () =>
          (await unwrap(getDevice(suite.server.clientA, { params: { path: { id: online.device_id } } }))).status,
      )
      .toBe('offline');
  });

  it('speaks version 1 to a device that said hello in version 1: every frame JSON text of version 1', async () => {
    const registration = await register();
    const device = await connect(suite.server.baseUrl, registration.ws_path, registration.sdk_token, 1);
    try {
      expect(device.welcome.v).toBe(1);
      const path = { id: registration.device_id };
      const pending = getDeviceLogs(suite.server.clientA, { params: { path, query: { lines: 1 } } });
      const request = await device.next('get_logs');
      expect(request.v).toBe(1);
      device.send({ type: 'logs', request_id: (request as { request_id: string }).request_id, entries: [] });
      expect((await pending).response?.status).toBe(200);
      expect(device.binaryFrames).toEqual([]);
    } finally {
      device.close();
    }
  });

  it('pulls logs live over the socket, 504 when the device does not answer, 409 when it is offline', async () => {
    const registration = await register();
    const path = { id: registration.device_id };
    await conformError(
      'getDeviceLogs',
      getDeviceLogs(suite.server.clientA, { params: { path } }),
      409,
      'DEVICE_OFFLINE',
    );
    const device = await connect(suite.server.baseUrl, registration.ws_path, registration.sdk_token);
    try {
      const pending = conform(
        'getDeviceLogs',
        getDeviceLogs(suite.server.clientA, { params: { path, query: { lines: 2, level: 'warn' } } }),
      );
      const request = await device.next('get_logs');
      expect(request).toMatchObject({ lines: 2, level: 'warn' });
      const entries = [{ at: '2026-01-01T00:00:00.000Z', level: 'warn', message: 'disk almost full' }];
      device.send({ type: 'logs', request_id: (request as { request_id: string }).request_id, entries });
      expect((await pending).data).toEqual({ device_id: registration.device_id, entries });

      const started = Date.now();
      const silent = getDeviceLogs(suite.server.clientA, { params: { path, query: { timeout: 300 } } });
      await conformError('getDeviceLogs', silent, 504, 'DEVICE_TIMEOUT');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      device.close();
    }
    await conformError('getDeviceLogs', getDeviceLogs(suite.server.clientB, { params: { path } }), 404, 'NOT_FOUND');
  });

  it('a second replica lists the device from the database and answers 503 DEVICE_ELSEWHERE for its logs', async () => {
    const registration = await register();
    const device = await connect(suite.server.baseUrl, registration.ws_path, registration.sdk_token);
    // The stand-in device keeps beating as a worker would: a busy machine must not let it go offline (800 ms).
    const beating = setInterval(() => device.send({ type: 'heartbeat', running_tasks: 0 }), 150);
    // Another server process on the same database: its own node id, none of this process's sockets.
    const replica = createApp({ database: suite.server.database, blobs: suite.server.blobs, internalToken: 'replica' });
    const listening = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: replica.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    const { port } = listening.address() as AddressInfo;
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: suite.server.keyA, maxRetries: 0 });
    try {
      const { data } = await conform(
        'getDevice',
        getDevice(client, { params: { path: { id: registration.device_id } } }),
      );
      expect(data!.status).toBe('idle');
      const { data: list } = await conform('listDevices', listDevices(client));
      expect(list!.devices[0]!.id).not.toBe((await unwrap(listDevices(suite.server.clientA))).devices[0]!.id);
      const path = { id: registration.device_id };
      const settled = await conformError(
        'getDeviceLogs',
        getDeviceLogs(client, { params: { path } }),
        503,
        'DEVICE_ELSEWHERE',
      );
      expect(settled.message).toMatch(/another server replica/);
    } finally {
      clearInterval(beating);
      device.close();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
      await replica.close();
    }
  });

  it('goes offline when heartbeats stop', async () => {
    const registration = await register();
    const device = await connect(suite.server.baseUrl, registration.ws_path, registration.sdk_token);
    const read = async () =>
      (await unwrap(getDevice(suite.server.clientA, { params: { path: { id: registration.device_id } } }))).status;
    expect(await read()).toBe('idle');
    await expect.poll(read, { timeout: 5000 }).toBe('offline');
    device.close();
  });

  it('refuses a wrong, revoked or other-tenant token before the upgrade', async () => {
    const mine = await register();
    const theirs = await register(suite.server.clientB);
    expect(await upgradeStatus(suite.server.baseUrl, mine.ws_path)).toBe(401);
    expect(await upgradeStatus(suite.server.baseUrl, mine.ws_path, 'cp_sdk_wrongwrongwrongwrong')).toBe(401);
    expect(await upgradeStatus(suite.server.baseUrl, mine.ws_path, theirs.sdk_token)).toBe(401);
    expect(await upgradeStatus(suite.server.baseUrl, mine.ws_path, mine.sdk_token)).toBe(101);
    const hash = createHash('sha256').update(mine.sdk_token).digest('hex');
    await suite.db.database.db.execute(
      `UPDATE sdk_tokens SET revoked_at = now() WHERE token_hash = '${hash}'` as never,
    );
    expect(await upgradeStatus(suite.server.baseUrl, mine.ws_path, mine.sdk_token)).toBe(401);
  });

  it('serves model files by checksum to devices of the same tenant only', async () => {
    const model = await unwrap(uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx') }));
    const mine = await register();
    const theirs = await register(suite.server.clientB);
    const path = { checksum: model.checksum };
    const device = suite.server.client({ sdkToken: mine.sdk_token });
    // Streamed from the store (read), never loaded whole (get).
    const whole = vi.spyOn(suite.server.blobs, 'get');
    const streamed = vi.spyOn(suite.server.blobs, 'read');
    const { data, response } = await conform('downloadDeviceModel', downloadDeviceModel(device, { params: { path } }));
    expect(whole).not.toHaveBeenCalled();
    expect(streamed).toHaveBeenCalledWith(model.checksum);
    whole.mockRestore();
    streamed.mockRestore();
    const bytes = new Uint8Array(data as unknown as ArrayBuffer);
    expect(bytes).toEqual(fixtureBytes('tiny-mlp.onnx'));
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(model.checksum);
    expect(response?.headers.get('x-checksum')).toBe(model.checksum);
    const other = suite.server.client({ sdkToken: theirs.sdk_token });
    await conformError('downloadDeviceModel', downloadDeviceModel(other, { params: { path } }), 404, 'NOT_FOUND');
    await conformError(
      'downloadDeviceModel',
      downloadDeviceModel(suite.server.clientA, { params: { path } }),
      401,
      'AUTH_REQUIRED',
    );
  });
});
