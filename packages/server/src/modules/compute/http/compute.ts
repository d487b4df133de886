/**
 * The compute area (openapi/compute.yaml): provision workers, terminate their instances, register, list and
 * remove compute peers, stage models onto peers, and read jobs of the shared jobs registry.
 */
import { routes } from '../../../generated/routes/compute.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { JobsRegistry } from '../jobs/jobs-registry.js';
import type { PeersUseCases } from '../peers-use-cases.js';
import type { StagingUseCases } from '../staging/staging-use-cases.js';
import type { WorkersUseCases } from '../workers/workers-use-cases.js';

export function computeArea(
  peers: PeersUseCases,
  workers: WorkersUseCases,
  staging: StagingUseCases,
  registry: JobsRegistry,
) {
  return area('compute', routes, {
    provisionWorker: async (c) => {
      const accepted = await workers.start(
        tenantOf(c.get('principal')),
        c.req.valid('query').provider,
        c.req.valid('json'),
      );
      c.header('Location', `/v1/train/jobs/${accepted.job_id}`);
      return c.json(accepted, 202);
    },
    terminateComputeInstance: async (c) => {
      await workers.terminate(tenantOf(c.get('principal')), c.req.valid('param').id);
      return c.body(null, 204);
    },
    stageModel: async (c) => {
      const accepted = await staging.start(tenantOf(c.get('principal')), c.req.valid('json'));
      c.header('Location', `/v1/train/jobs/${accepted.job_id}`);
      return c.json(accepted, 202);
    },
    getJob: async (c) => c.json(await registry.get(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
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
