/** The devices area (openapi/devices.yaml): register, list, stats, get, live logs, model files for devices. */
import { Readable } from 'node:stream';
import { routes } from '../../../generated/routes/devices.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { DevicesUseCases } from '../devices-use-cases.js';

export function devicesArea(useCases: DevicesUseCases) {
  return area('devices', routes, {
    registerDevice: async (c) => {
      const registration = await useCases.register(tenantOf(c.get('principal')), c.req.valid('json'));
      c.header('Location', `/api/v1/devices/${registration.device_id}`);
      return c.json(registration, 201);
    },
    listDevices: async (c) => {
      const { limit, offset, status } = c.req.valid('query');
      const page = await useCases.list(tenantOf(c.get('principal')), { limit, offset, ...(status ? { status } : {}) });
      return c.json({ ...page, limit, offset }, 200);
    },
    getDeviceStats: async (c) => c.json(await useCases.stats(tenantOf(c.get('principal'))), 200),
    getDevice: async (c) => c.json(await useCases.get(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
    getDeviceLogs: async (c) =>
      c.json(await useCases.logs(tenantOf(c.get('principal')), c.req.valid('param').id, c.req.valid('query')), 200),
    downloadDeviceModel: async (c) => {
      const { checksum } = c.req.valid('param');
      const parts = await useCases.modelFile(tenantOf(c.get('principal')), checksum);
      // Streamed from the blob store part by part: a large model is never held whole in memory.
      return c.body(Readable.toWeb(Readable.from(parts)) as ReadableStream<Uint8Array>, 200, {
        'Content-Type': 'application/octet-stream',
        'X-Checksum': checksum,
      });
    },
  });
}
