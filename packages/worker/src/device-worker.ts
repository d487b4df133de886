/**
 * One device: registers with the API key through the SDK (once; the token is kept for reconnects), opens
 * the WebSocket with its X-SDK-Token, says hello with its capabilities, sends heartbeats, answers log
 * requests from its ring buffer and runs run-inference tasks on its thread pool. Each heartbeat carries the
 * machine's power draw last sampled (nvidia-smi, RAPL; null when unreadable), sampled again in the background
 * so a slow `nvidia-smi` never delays a heartbeat. A dropped socket is
 * reopened with exponential backoff and jitter. Refusals that retrying cannot cure end the worker through
 * `failed` (main.ts exits 1 with its one-line message): the API key refused at registration (401/403), or the
 * device's token refused at the socket (401: the device was removed, its token revoked, or the server's data
 * reset), unless the worker was started with `reregister`, which registers a new device instead.
 */
import {
  PROTOCOL_VERSION,
  type Capabilities,
  encodeDeviceMessage,
  parseServerMessage,
  type DeviceMessage,
  type ProtocolVersion,
} from '@computeplane/device-protocol';
import { createPowerSampler } from '@computeplane/device-protocol/power';
import { ApiError, createClient } from '@computeplane/sdk';
import { registerDevice } from '@computeplane/sdk/devices';
import WebSocket from 'ws';
import { backoffDelay } from './backoff.js';
import { detectCapabilities } from './capabilities.js';
import { createLogRing, type LogRing } from './log-ring.js';
import { createModelCache } from './model-cache.js';
import type { WorkerOptions } from './options.js';
import { createThreadPool } from './thread-pool.js';
import { createTaskRunner } from './task-runner.js';

interface Registration {
  device_id: string;
  sdk_token: string;
  ws_path: string;
  heartbeat_interval_ms: number;
}

/**
 * `overrides.capabilities` replaces detected capabilities (for embedding: a host whose GPU `nvidia-smi`
 * does not see, or a test that poses as a GPU device).
 */
export async function startDeviceWorker(
  options: WorkerOptions,
  log: LogRing = createLogRing(),
  overrides: { capabilities?: Partial<Capabilities> } = {},
) {
  const capabilities = { ...(await detectCapabilities(options.maxTasks)), ...overrides.capabilities };
  const pool = createThreadPool(options.maxTasks);
  let registration: Registration | undefined;
  let socket: WebSocket | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let stopped = false;
  let attempt = 0;
  let fail: (message: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => (fail = resolve));
  /** Thrown by register() when the server refused the API key (no retry). */
  class Refused extends Error {}
  const cache = createModelCache({
    dir: options.cacheDir,
    client: () => createClient({ baseUrl: options.server, sdkToken: registration!.sdk_token }),
    log,
  });

  async function register(): Promise<Registration> {
    const client = createClient({ baseUrl: options.server, apiKey: options.apiKey });
    const { data, error } = await registerDevice(client, { body: { name: options.name, capabilities } });
    if (error instanceof ApiError && (error.status === 401 || error.status === 403))
      throw new Refused(`the server refused the API key (HTTP ${error.message}); check --api-key`);
    if (error) throw new Error(`registration refused: ${error.message}`);
    log.info(`registered as ${data.device_id}`);
    return data;
  }

  const power = createPowerSampler();
  let watts: number | null = null;
  let sampling: Promise<void> | undefined;
  const samplePower = () => {
    sampling ??= power.sample().then((value) => {
      watts = value;
      sampling = undefined;
    });
  };

  /** The server's protocol version (from its welcome; 1 after it refused our version-2 hello). */
  let serverVersion: ProtocolVersion = PROTOCOL_VERSION;
  let welcomed = false;
  /** Sends in the server's version; `binary` (a train step's result) only to a server that speaks 2. */
  const send = (ws: WebSocket, message: DeviceMessage, binary = false) => {
    const v = serverVersion;
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeDeviceMessage({ ...message, v }, binary && v === 2));
  };

  const runTask = createTaskRunner({ pool, cache, cacheDir: options.cacheDir, log });

  function onMessage(ws: WebSocket, raw: string | Buffer, binary: boolean) {
    const parsed = parseServerMessage(raw, binary);
    if (!parsed.ok) {
      log.warn(`server sent an ${parsed.error}`);
      send(ws, { v: PROTOCOL_VERSION, type: 'error', message: parsed.error });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'welcome':
        attempt = 0;
        serverVersion = message.v;
        welcomed = true;
        log.info(`connected as ${message.device_id}`);
        clearInterval(heartbeat);
        samplePower();
        heartbeat = setInterval(() => {
          send(ws, { v: PROTOCOL_VERSION, type: 'heartbeat', running_tasks: pool.running, power_watts: watts });
          samplePower();
        }, message.heartbeat_interval_ms);
        return;
      case 'get_logs':
        send(ws, {
          v: PROTOCOL_VERSION,
          type: 'logs',
          request_id: message.request_id,
          entries: log.tail(message.lines, message.level),
        });
        return;
      case 'run_inference':
        log.info(`task ${message.task_id}: model ${message.model_checksum}`);
        void runTask(message).then((result) => send(ws, result));
        return;
      case 'run_train_step':
        // A train step's result goes back as a binary frame (protocol version 2).
        void runTask(message).then((result) => send(ws, result, result.ok));
        return;
      case 'error':
        log.warn(`server reported: ${message.message}`);
        // A server that speaks only version 1 refuses our hello's `v`: say hello again in version 1.
        if (!welcomed && serverVersion === 2 && message.message.startsWith('invalid frame: v')) {
          serverVersion = 1;
          send(ws, { v: 1, type: 'hello', capabilities });
        }
    }
  }

  function scheduleReconnect() {
    if (stopped) return;
    const delay = backoffDelay(attempt++);
    log.info(`reconnecting in ${delay} ms`);
    setTimeout(() => void connect(), delay);
  }

  async function connect() {
    if (stopped) return;
    try {
      registration ??= await register();
    } catch (error) {
      log.warn(error instanceof Error ? error.message : String(error));
      if (error instanceof Refused) return stopWith(error.message);
      return scheduleReconnect();
    }
    const url = `${options.server.replace(/^http/, 'ws')}${registration.ws_path}`;
    const ws = new WebSocket(url, { headers: { 'X-SDK-Token': registration.sdk_token } });
    socket = ws;
    ws.on('unexpected-response', (_request, response) => {
      log.warn(`socket refused with HTTP ${response.statusCode}`);
      if (response.statusCode === 401 && options.reregister) {
        log.warn(`the token of device ${registration?.device_id} was refused; registering a new device`);
        registration = undefined;
        attempt = 0;
      } else if (response.statusCode === 401)
        stopWith(
          `the server refused the token of device ${registration?.device_id} (HTTP 401: the device was removed, its token revoked, or the server's data reset); start the worker again, or with --reregister, to register a new device`,
        );
      ws.terminate();
    });
    welcomed = false;
    serverVersion = PROTOCOL_VERSION;
    ws.on('open', () => send(ws, { v: PROTOCOL_VERSION, type: 'hello', capabilities }));
    ws.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      onMessage(ws, isBinary ? bytes : bytes.toString(), isBinary);
    });
    ws.on('error', (error) => log.warn(`socket error: ${error.message}`));
    ws.on('close', (code) => {
      clearInterval(heartbeat);
      if (socket !== ws) return;
      log.info(`socket closed (${code})`);
      scheduleReconnect();
    });
  }

  function stopWith(message: string) {
    stopped = true;
    clearInterval(heartbeat);
    fail(message);
  }

  await connect();
  return {
    log,
    /** Resolves with a one-line reason when the worker gave up (a refusal that retrying cannot cure). */
    failed,
    pool,
    cache,
    capabilities,
    runTask,
    get deviceId() {
      return registration?.device_id;
    },
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      socket?.close(1000, 'worker stopping');
      await pool.close();
    },
  };
}
