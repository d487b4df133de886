/**
 * The sockets of the devices connected to this process: hello/heartbeat bookkeeping in the database (and
 * each device's latest reported power draw, in memory), log
 * requests and run-inference tasks sent to one device and matched with its answer, and the liveness check
 * that closes a socket which stopped sending heartbeats (docs/device-protocol.md).
 */
import { randomUUID } from 'node:crypto';
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  encodeServerMessage,
  parseDeviceMessage,
  type Capabilities,
  type DeviceMessage,
  type LogEntry,
  type ProtocolVersion,
  type WireTensor,
} from '@computeplane/device-protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { DeviceSettings } from '../../../platform/settings.js';
import type { DeviceRepository } from '../device-repository.js';
import { inferenceFrame, trainStepFrame } from './task-frames.js';

type Pending = { resolve(message: DeviceMessage): void; reject(error: Error): void; timer: NodeJS.Timeout };
interface Connection {
  socket: WebSocket;
  deviceId: string;
  tenantId: string;
  lastSeen: number;
  pending: Map<string, Pending>;
  /** Set by `hello`: the device is ready for tasks. */
  capabilities?: Capabilities;
  /** Run-inference tasks sent and not answered (the device is `busy` while > 0). */
  running: number;
  /** The version the device said hello with: every frame it gets is of that version (1: JSON only). */
  version: ProtocolVersion;
  /** Train-step graphs sent on this socket (version 2 leaves them out of later steps). */
  graphs: Set<string>;
  /** Watts in the device's latest heartbeat that said (null: it cannot read its power draw, or never said). */
  powerWatts: number | null;
}

/** A device connected to this process that said hello: what the scheduler needs to know of it. */
export interface ConnectedDevice {
  deviceId: string;
  tenantId: string;
  capabilities: Capabilities;
  running: number;
  /** Its latest reported power draw in watts (heartbeat `power_watts`), null when it reported none. */
  powerWatts?: number | null;
}
type ReadyListener = (device: ConnectedDevice) => void;
type GoneListener = (deviceId: string) => void;

export class DeviceTimeout extends Error {}
export class DeviceGone extends Error {}

export function createDeviceHub(deps: {
  repository: DeviceRepository;
  node: string;
  settings: DeviceSettings;
  clock: () => Date;
  logger: Logger;
}) {
  const { repository, node, settings, clock, logger } = deps;
  const connections = new Map<string, Connection>();
  const readyListeners = new Set<ReadyListener>();
  const goneListeners = new Set<GoneListener>();
  const describe = (connection: Connection): ConnectedDevice => ({
    deviceId: connection.deviceId,
    tenantId: connection.tenantId,
    capabilities: connection.capabilities!,
    running: connection.running,
    powerWatts: connection.powerWatts,
  });
  /** Database writes in flight, awaited by close() so none outlives the database. */
  const writes = new Set<Promise<void>>();
  const track = (write: Promise<void>) => {
    const tracked = write
      .catch((error: unknown) => logger.warn({ err: error }, 'device bookkeeping failed'))
      .finally(() => writes.delete(tracked));
    writes.add(tracked);
  };

  /** Sends in the device's version; `binary` (tensor-carrying frames) only to a device that speaks 2. */
  function send(connection: Connection, message: Parameters<typeof encodeServerMessage>[0], binary = false) {
    const v = connection.version;
    connection.socket.send(encodeServerMessage({ ...message, v }, binary && v === 2));
  }

  function request(
    deviceId: string,
    key: string,
    message:
      | Parameters<typeof encodeServerMessage>[0]
      | ((connection: Connection) => Parameters<typeof encodeServerMessage>[0]),
    timeoutMs: number,
    binary = false,
  ) {
    const connection = connections.get(deviceId);
    if (!connection) return Promise.reject(new DeviceGone(deviceId));
    return new Promise<DeviceMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.pending.delete(key);
        reject(new DeviceTimeout(deviceId));
      }, timeoutMs);
      connection.pending.set(key, { resolve, reject, timer });
      try {
        send(connection, typeof message === 'function' ? message(connection) : message, binary);
      } catch {
        // The socket is closing: its close handler may already have run.
        clearTimeout(timer);
        connection.pending.delete(key);
        reject(new DeviceGone(deviceId));
      }
    });
  }

  function onMessage(connection: Connection, raw: string | Buffer, binary: boolean) {
    const parsed = parseDeviceMessage(raw, binary);
    if (!parsed.ok) {
      send(connection, { v: PROTOCOL_VERSION, type: 'error', message: parsed.error });
      return;
    }
    const message = parsed.message;
    connection.lastSeen = Date.now();
    switch (message.type) {
      case 'hello':
        connection.version = message.v;
        track(
          repository
            .touch(connection.deviceId, { node, now: clock(), runningTasks: 0, capabilities: message.capabilities })
            .then(() => {
              send(connection, {
                v: PROTOCOL_VERSION,
                type: 'welcome',
                device_id: connection.deviceId,
                heartbeat_interval_ms: settings.heartbeatIntervalMs,
              });
              const first = connection.capabilities === undefined;
              connection.capabilities = message.capabilities;
              if (first && connections.get(connection.deviceId) === connection)
                for (const listener of readyListeners) listener(describe(connection));
            }),
        );
        return;
      case 'heartbeat':
        if (message.power_watts !== undefined) connection.powerWatts = message.power_watts;
        // Tasks this hub sent count as running even before the device's own count says so.
        track(
          repository.touch(connection.deviceId, {
            node,
            now: clock(),
            runningTasks: Math.max(message.running_tasks, connection.running),
          }),
        );
        return;
      case 'logs':
      case 'result': {
        const key = message.type === 'logs' ? message.request_id : message.task_id;
        const pending = connection.pending.get(key);
        if (!pending) return;
        connection.pending.delete(key);
        clearTimeout(pending.timer);
        pending.resolve(message);
        return;
      }
      case 'error':
        logger.warn({ device_id: connection.deviceId, message: message.message }, 'device reported an error');
    }
  }

  /** Closes sockets that sent nothing for the offline grace (a half-open connection never says goodbye). */
  const sweep = setInterval(() => {
    const cutoff = Date.now() - settings.offlineAfterMs;
    for (const connection of connections.values()) if (connection.lastSeen < cutoff) connection.socket.terminate();
  }, settings.heartbeatIntervalMs).unref();

  /**
   * Sends a task frame and waits for its result: the device is `busy` while it has tasks running here, and
   * every outcome (answered, failed, lost with the socket, timed out) is recorded in its counters.
   */
  async function runTask(
    deviceId: string,
    taskId: string,
    frame: Parameters<typeof request>[2],
    timeoutMs: number,
    what: string,
    binary = false,
  ): Promise<Record<string, WireTensor>> {
    const started = Date.now();
    const connection = connections.get(deviceId);
    const load = (delta: number) => {
      if (!connection || connections.get(deviceId) !== connection) return;
      connection.running += delta;
      if (connection.running === 0 || (delta > 0 && connection.running === 1))
        track(repository.setRunning(deviceId, node, connection.running));
    };
    load(1);
    let answer: DeviceMessage;
    try {
      answer = await request(deviceId, taskId, frame, timeoutMs, binary);
    } catch (error) {
      load(-1);
      await repository.recordTask(deviceId, false, Date.now() - started);
      throw error;
    }
    load(-1);
    if (answer.type !== 'result') throw new Error('unexpected answer');
    await repository.recordTask(deviceId, answer.ok, answer.duration_ms);
    if (!answer.ok || !answer.outputs) throw new Error(`device failed the ${what}: ${answer.error ?? 'no outputs'}`);
    return answer.outputs;
  }

  return {
    node,
    /** A socket authenticated for `deviceId` was opened: it replaces an older one of the same device. */
    accept(socket: WebSocket, deviceId: string, tenantId: string) {
      connections.get(deviceId)?.socket.close(CLOSE_CODES.replaced, 'replaced by a newer connection');
      const connection: Connection = {
        socket,
        deviceId,
        tenantId,
        lastSeen: Date.now(),
        pending: new Map(),
        running: 0,
        version: 1,
        graphs: new Set(),
        powerWatts: null,
      };
      connections.set(deviceId, connection);
      socket.on('message', (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        onMessage(connection, isBinary ? bytes : bytes.toString(), isBinary);
      });
      socket.on('close', () => {
        for (const pending of connection.pending.values()) {
          clearTimeout(pending.timer);
          pending.reject(new DeviceGone(deviceId));
        }
        if (connections.get(deviceId) !== connection) return;
        connections.delete(deviceId);
        track(repository.disconnect(deviceId, node));
        if (connection.capabilities) for (const listener of goneListeners) listener(deviceId);
      });
    },
    isConnected: (deviceId: string) => connections.has(deviceId),
    /** The devices connected here that said hello (ready for tasks). */
    connected(): ConnectedDevice[] {
      return [...connections.values()].filter((c) => c.capabilities !== undefined).map(describe);
    },
    /** Calls `ready` when a device says hello here and `gone` when its socket closes; returns the unsubscribe. */
    watch(ready: ReadyListener, gone: GoneListener): () => void {
      readyListeners.add(ready);
      goneListeners.add(gone);
      return () => {
        readyListeners.delete(ready);
        goneListeners.delete(gone);
      };
    },
    async logs(deviceId: string, query: { lines: number; level: 'all' | LogEntry['level']; timeoutMs: number }) {
      const requestId = randomUUID();
      const answer = await request(
        deviceId,
        requestId,
        { v: PROTOCOL_VERSION, type: 'get_logs', request_id: requestId, lines: query.lines, level: query.level },
        query.timeoutMs,
      );
      return answer.type === 'logs' ? answer.entries : [];
    },
    /** Runs one inference task on the device and records it in the device's counters. */
    runInference(
      deviceId: string,
      task: { checksum: string; inputs: Record<string, WireTensor> },
      timeoutMs: number,
    ): Promise<Record<string, WireTensor>> {
      const taskId = randomUUID();
      return runTask(deviceId, taskId, inferenceFrame(taskId, task), timeoutMs, 'task');
    },
    /** Runs one train step on the device (task-frames.ts): weights and batch in; loss and gradients back. */
    runTrainStep(
      deviceId: string,
      task: { graph: Uint8Array; sha256: string; inputs: Record<string, WireTensor> },
      timeoutMs: number,
    ): Promise<Record<string, WireTensor>> {
      const taskId = randomUUID();
      const frame = (connection: Connection) => trainStepFrame(connection, taskId, task);
      return runTask(deviceId, taskId, frame, timeoutMs, 'train step', true);
    },
    async close() {
      clearInterval(sweep);
      const closing = [...connections.values()].map(
        (connection) =>
          new Promise<void>((resolve) => {
            connection.socket.once('close', () => resolve());
            connection.socket.close(CLOSE_CODES.serverShutdown, 'server shutting down');
            setTimeout(() => {
              connection.socket.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all(closing);
      await Promise.all([...writes]);
    },
  };
}

export type DeviceHub = ReturnType<typeof createDeviceHub>;
