/** The compute area (openapi/compute.yaml): register, list and remove compute peers. */
import { routes } from '../../../generated/routes/compute.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { PeersUseCases } from '../peers-use-cases.js';

export function computeArea(peers: PeersUseCases) {
  return area('compute', routes, {
    registerComputePeer: async (c) => {
      const { peer, created } = await peers.register(tenantOf(c.get('principal')), c.req.valid('json'));
      return created ? c.json(peer, 201) : c.json(peer, 200);
    },
    listComputePeers: async (c) => {
      const { limit, offset, health } = c.req.valid('query');
      const page = await peers.list(tenantOf(c.get('principal')), { limit, offset, ...(health ? { health } : {}) });
      return c.json({ ...page, limit, offset }, 200);
    },
    deleteComputePeer: async (c) => {
      await peers.remove(tenantOf(c.get('principal')), c.req.valid('param').id);
      return c.body(null, 204);
    },
  });
}
