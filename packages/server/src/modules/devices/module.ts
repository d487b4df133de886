/**
 * The devices module: registered devices (table `devices`, tokens in `sdk_tokens`), the socket hub of the
 * devices connected to this process, the built-in device, and the devices area. app.ts attaches the
 * WebSocket endpoint to the HTTP server with `attach(server)`.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { verifySdkToken } from '../../platform/auth/sdk-tokens.js';
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { ModelsModule } from '../models/module.js';
import { builtinDevice } from './builtin-device.js';
import { builtinPower } from './builtin-power.js';
import { deviceRepository } from './device-repository.js';
import { devicesUseCases } from './devices-use-cases.js';
import { createDeviceHub, DeviceGone, DeviceTimeout } from './engine/device-hub.js';
import { attachDeviceSockets } from './engine/socket-server.js';
import { devicesArea } from './http/devices.js';

export type { DevicesUseCases } from './devices-use-cases.js';
export type { ConnectedDevice } from './engine/device-hub.js';

export function createDevicesModule(platform: Services, deps: { models: ModelsModule }) {
  const { database, clock, logger } = platform;
  // One id per server process: names its built-in device and marks the sockets it holds in the database.
  const node = `node-${randomBytes(4).toString('hex')}`;
  const repository = deviceRepository(database.db);
  const hub = createDeviceHub({ repository, node, settings: platform.settings.devices, clock, logger });
  const useCases = devicesUseCases({
    db: database.db,
    repository,
    hub,
    builtin: builtinDevice({ node, registry: platform.metrics, startedAt: platform.lifecycle.startedAt }),
    settings: platform.settings.devices,
    clock,
    modelFile: (tenantId, checksum) => deps.models.catalog.streamByChecksum(tenantId, checksum),
  });
  const power = builtinPower(platform.settings.devices.heartbeatIntervalMs);
  const detach = new Set<() => void>();
  return {
    areas: [devicesArea(useCases)],
    useCases,
    /** What the inference scheduler uses: the devices connected to this process, and tasks sent to them. */
    executors: {
      connected: () => hub.connected(),
      watch: hub.watch,
      run: hub.runInference,
      /** Whether the tenant has a GPU device online on any replica (the database). */
      gpuOnline: (tenantId: string) =>
        repository.gpuOnline(tenantId, new Date(clock().getTime() - platform.settings.devices.offlineAfterMs)),
      /** A failed `run`: the socket closed (`gone`), no answer in time, or the device failed the task. */
      classify: (error: unknown): 'gone' | 'timeout' | 'failed' =>
        error instanceof DeviceGone ? 'gone' : error instanceof DeviceTimeout ? 'timeout' : 'failed',
    },
    /** The id of this process's built-in device (`local/<node>`). */
    builtinId: `local/${node}`,
    /** The built-in device's power draw at its last sample (this machine's; null when unreadable). */
    builtinPowerWatts: () => power.latest(),
    /** Devices connected to this process (training sends them train steps through `runTrainStep`). */
    connected: () => hub.connected(),
    runTrainStep: hub.runTrainStep,
    /** The tenants with devices online on other replicas (training leaves their jobs to those replicas first). */
    tenantsOnlineElsewhere: () =>
      repository.tenantsOnlineElsewhere(node, new Date(clock().getTime() - platform.settings.devices.offlineAfterMs)),
    /**
     * Serves the devices' WebSocket endpoint on an HTTP server (start-server.ts and the test server). The
     * returned function stops it and closes the devices' sockets: call it before `server.close()`, which
     * otherwise waits for those long-lived connections.
     */
    attach(server: Server): () => Promise<void> {
      const verifyToken = (token: string) => verifySdkToken(database.db, token, clock());
      const off = attachDeviceSockets(server, { hub, verifyToken });
      detach.add(off);
      return async () => {
        off();
        detach.delete(off);
        await hub.close();
      };
    },
    start() {
      void power.start();
    },
    async stop() {
      for (const off of detach) off();
      await power.stop();
      await hub.close();
    },
  } satisfies Module & Record<string, unknown>;
}

export type DevicesModule = ReturnType<typeof createDevicesModule>;
