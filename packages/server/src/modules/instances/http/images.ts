/** Images: queue a pull, list, get, delete. */
import type { routes } from '../../../generated/routes/instances.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { ImageUseCases } from '../images.js';

type R = typeof routes;

export function imageHandlers(
  images: ImageUseCases,
): Pick<Handlers<R>, 'createImage' | 'listImages' | 'getImage' | 'deleteImage'> {
  return {
    createImage: async (c) => c.json(await images.create(tenantOf(c.get('principal')), c.req.valid('json').name), 202),
    listImages: async (c) => c.json(await images.list(tenantOf(c.get('principal'))), 200),
    getImage: async (c) => c.json(await images.get(tenantOf(c.get('principal')), c.req.valid('param').name), 200),
    deleteImage: async (c) => {
      await images.remove(tenantOf(c.get('principal')), c.req.valid('param').name);
      return c.body(null, 204);
    },
  };
}
