/** Volumes, and attaching them to instances. */
import type { routes } from '../../../generated/routes/instances.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { InstancesAreaDeps } from './instances.js';

type R = typeof routes;

export function volumeHandlers(
  deps: InstancesAreaDeps,
): Pick<Handlers<R>, 'createVolume' | 'listVolumes' | 'getVolume' | 'deleteVolume' | 'attachVolume' | 'detachVolume'> {
  const { volumes, queries } = deps;
  return {
    createVolume: async (c) => c.json(await volumes.create(tenantOf(c.get('principal')), c.req.valid('json')), 201),
    listVolumes: async (c) => c.json(await volumes.list(tenantOf(c.get('principal'))), 200),
    getVolume: async (c) => c.json(await volumes.get(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
    deleteVolume: async (c) => {
      await volumes.remove(tenantOf(c.get('principal')), c.req.valid('param').id);
      return c.body(null, 204);
    },
    attachVolume: async (c) => {
      const { id, volumeId } = c.req.valid('param');
      const row = await queries.find(tenantOf(c.get('principal')), id);
      await volumes.attach(row, volumeId, c.req.valid('json'));
      return c.json(await queries.view(row), 200);
    },
    detachVolume: async (c) => {
      const { id, volumeId } = c.req.valid('param');
      const row = await queries.find(tenantOf(c.get('principal')), id);
      await volumes.detach(row, volumeId);
      return c.json(await queries.view(row), 200);
    },
  };
}
