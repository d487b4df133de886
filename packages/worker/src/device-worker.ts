/**
 * One device: registers with the API key through the SDK (once; the token is kept for reconnects), opens
 * the WebSocket with its X-SDK-Token, says hello with its capabilities, sends heartbeats, answers log
 * requests from its ring buffer and runs run-inference tasks on its thread pool. A dropped socket is
 * reopened with exponential backoff and jitter; a refused token (401) registers the device again.
 */
import {
  PROTOCOL_VERSION,
  type Capabilities,
  encodeDeviceMessage,
  parseServerMessage,
  type DeviceMessage,
} from '@computeplane/device-protocol';
import { createClient } from '@computeplane/sdk';
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
  const cache = createModelCache({
    dir: options.cacheDir,
    client: () => createClient({ baseUrl: options.server, sdkToken: registration!.sdk_token }),
    log,
  });

  async function register(): Promise<Registration> {
    const client = createClient({ baseUrl: options.server, apiKey: options.apiKey });
    const { data, error } = await registerDevice(client, { body: { name: options.name, capabilities } });
    if (error) throw new Error(`registration refused: ${error.message}`);
    log.info(`registered as ${data.device_id}`);
    return data;
  }

  const send = (ws: WebSocket, message: DeviceMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeDeviceMessage(message));
  };

  const runTask = createTaskRunner({ pool, cache, cacheDir: options.cacheDir, log });

  function onMessage(ws: WebSocket, raw: string) {
    const parsed = parseServerMessage(raw);
    if (!parsed.ok) {
      log.warn(`server sent an ${parsed.error}`);
      send(ws, { v: PROTOCOL_VERSION, type: 'error', message: parsed.error });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'welcome':
        attempt = 0;
        log.info(`connected as ${message.device_id}`);
        clearInterval(heartbeat);
        heartbeat = setInterval(
          () => send(ws, { v: PROTOCOL_VERSION, type: 'heartbeat', running_tasks: pool.running }),
          message.heartbeat_interval_ms,
        );
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
        void runTask(message).then((result) => send(ws, result));
        return;
      case 'error':
        log.warn(`server reported: ${message.message}`);
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
      return scheduleReconnect();
    }
    const url = `${options.server.replace(/^http/, 'ws')}${registration.ws_path}`;
    const ws = new WebSocket(url, { headers: { 'X-SDK-Token': registration.sdk_token } });
    socket = ws;
    ws.on('unexpected-response', (_request, response) => {
      log.warn(`socket refused with HTTP ${response.statusCode}`);
      if (response.statusCode === 401) registration = undefined;
      ws.terminate();
    });
    ws.on('open', () => send(ws, { v: PROTOCOL_VERSION, type: 'hello', capabilities }));
    ws.on('message', (data) => onMessage(ws, data.toString()));
    ws.on('error', (error) => log.warn(`socket error: ${error.message}`));
    ws.on('close', (code) => {
      clearInterval(heartbeat);
      if (socket !== ws) return;
      log.info(`socket closed (${code})`);
      scheduleReconnect();
    });
  }

  await connect();
  return {
    log,
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
