/**
 * The devices area's use-cases: register (device row plus its X-SDK-Token), list and stats (the built-in
 * device first, then the tenant's devices with status from the database), get, pull logs over the socket,
 * a model file by checksum for a device of the same tenant, and run one inference task on a device.
 */
import { randomBytes } from 'node:crypto';
import { PROTOCOL_VERSION, type Capabilities, type WireTensor } from '@computeplane/device-protocol';
import { issueSdkToken } from '../../platform/auth/sdk-tokens.js';
import type { Db } from '../../platform/db/database.js';
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { DeviceSettings } from '../../platform/settings.js';
import type { BuiltinDevice } from './builtin-device.js';
import { averageLatency, statusOf, toDevice, type DeviceView } from './device-record.js';
import type { DeviceRepository, DeviceStatus } from './device-repository.js';
import { DeviceGone, DeviceTimeout, type DeviceHub } from './engine/device-hub.js';
import { socketPath } from './engine/socket-server.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const newDeviceId = () => `dev_${[...randomBytes(12)].map((byte) => ALPHABET[byte % 36]).join('')}`;

export function devicesUseCases(deps: {
  db: Db;
  repository: DeviceRepository;
  hub: DeviceHub;
  builtin: BuiltinDevice;
  settings: DeviceSettings;
  clock: () => Date;
  modelFile: (tenantId: string, checksum: string) => Promise<AsyncIterable<Uint8Array> | undefined>;
}) {
  const { repository, hub, builtin, settings, clock } = deps;
  const staleBefore = () => new Date(clock().getTime() - settings.offlineAfterMs);

  async function find(tenantId: string, id: string) {
    const row = await repository.get(tenantId, id);
    if (!row) throw notFound('Device', id);
    return row;
  }

  return {
    async register(tenantId: string, body: { name: string; capabilities: Capabilities }) {
      const id = newDeviceId();
      await repository.insert({ id, tenantId, name: body.name, capabilities: body.capabilities });
      const token = await issueSdkToken(deps.db, tenantId, id);
      return {
        device_id: id,
        sdk_token: token,
        protocol_version: PROTOCOL_VERSION,
        ws_path: socketPath(id),
        heartbeat_interval_ms: settings.heartbeatIntervalMs,
        offline_after_ms: settings.offlineAfterMs,
      };
    },
    /** The built-in device (status idle) counts as the first item of every unfiltered or `idle` list. */
    async list(tenantId: string, query: { limit: number; offset: number; status?: DeviceStatus }) {
      const withBuiltin = !query.status || query.status === 'idle';
      const skip = withBuiltin ? Math.max(0, query.offset - 1) : query.offset;
      const take = withBuiltin && query.offset === 0 ? query.limit - 1 : query.limit;
      const before = staleBefore();
      const { rows, total } = await repository.list(tenantId, {
        ...query,
        offset: skip,
        limit: Math.max(take, 1),
        staleBefore: before,
      });
      const devices: DeviceView[] = rows.slice(0, take).map((row) => toDevice(row, before));
      if (withBuiltin && query.offset === 0) devices.unshift(await builtin.view(clock()));
      return { devices, total: total + (withBuiltin ? 1 : 0) };
    },
    async stats(tenantId: string) {
      const row = await repository.stats(tenantId, staleBefore());
      const local = (await builtin.view(clock())).metrics;
      const completed = row.completed + local.tasks_completed;
      const localLatencyTotal = (local.avg_latency_ms ?? 0) * local.tasks_completed;
      return {
        total: row.total + 1,
        idle: row.total - row.offline - row.busy + 1,
        busy: row.busy,
        offline: row.offline,
        tasks_completed: completed,
        tasks_failed: row.failed + local.tasks_failed,
        avg_latency_ms: averageLatency(completed, row.latency + localLatencyTotal),
      };
    },
    async get(tenantId: string, id: string): Promise<DeviceView> {
      if (id === builtin.id) return builtin.view(clock());
      return toDevice(await find(tenantId, id), staleBefore());
    },
    async logs(
      tenantId: string,
      id: string,
      query: { lines: number; level: 'all' | 'debug' | 'info' | 'warn' | 'error'; timeout: number },
    ) {
      if (id === builtin.id)
        throw new ApiProblem(
          409,
          'DEVICE_OFFLINE',
          `Device '${id}' is the server's built-in engine: it has no socket; read the server's log`,
        );
      const row = await find(tenantId, id);
      if (statusOf(row, staleBefore()) === 'offline')
        throw new ApiProblem(409, 'DEVICE_OFFLINE', `Device '${id}' is offline`);
      if (!hub.isConnected(id))
        throw new ApiProblem(503, 'DEVICE_ELSEWHERE', `Device '${id}' is connected to another server replica; retry`, {
          headers: { 'Retry-After': '1' },
        });
      try {
        return {
          device_id: id,
          entries: await hub.logs(id, { lines: query.lines, level: query.level, timeoutMs: query.timeout }),
        };
      } catch (error) {
        if (error instanceof DeviceTimeout)
          throw new ApiProblem(
            504,
            'DEVICE_TIMEOUT',
            `Device '${id}' did not answer within ${query.timeout} ms (timeout)`,
          );
        if (error instanceof DeviceGone) throw new ApiProblem(409, 'DEVICE_OFFLINE', `Device '${id}' disconnected`);
        throw error;
      }
    },
    async modelFile(tenantId: string, checksum: string): Promise<AsyncIterable<Uint8Array>> {
      const parts = await deps.modelFile(tenantId, checksum);
      if (!parts) throw notFound('Model file', checksum);
      return parts;
    },
    /** Sends one run-inference task to a device of the tenant connected here (no public route yet). */
    async runOnDevice(
      tenantId: string,
      id: string,
      task: { checksum: string; inputs: Record<string, WireTensor> },
      timeoutMs = 30_000,
    ) {
      await find(tenantId, id);
      return hub.runInference(id, task, timeoutMs);
    },
  };
}

export type DevicesUseCases = ReturnType<typeof devicesUseCases>;
