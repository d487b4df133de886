/**
 * The compute module (compute-workspace.md, docs/compute.md): the compute peer registry (table
 * `compute_peers`) and the gRPC clients that run inference on the peers; worker jobs that launch an
 * instance on a provider and install and start the runtime on it over SSH (table `compute_jobs`); model
 * staging onto a peer from the Hugging Face Hub or the model store (staging/); and the shared jobs registry (`GET /v1/train/jobs/{id}`) over worker and training jobs. What inference uses
 * of it is `routing`: the peer a request prefers, the healthy peers, and a call to a peer's ModelInfer.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalProviderAccess } from '../../platform/auth/local-provider-access.js';
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { GpuProvider } from '../../providers/provider.js';
import type { MarketplaceModule } from '../marketplace/module.js';
import type { ModelsModule } from '../models/module.js';
import { createPeerClients } from './engine/peer-clients.js';
import { computeArea } from './http/compute.js';
import { computeJobRepository } from './jobs/job-repository.js';
import { jobsRegistry, type TrainingJobLookup } from './jobs/jobs-registry.js';
import { peerRepository } from './peer-repository.js';
import { peersUseCases } from './peers-use-cases.js';
import { hubClient } from './staging/hub-client.js';
import { stagingUseCases } from './staging/staging-use-cases.js';
import { createRuntimeBundle } from './workers/runtime-bundle.js';
import { workersUseCases } from './workers/workers-use-cases.js';

export type { RoutablePeer } from './peers-use-cases.js';
export { PeerCallError } from './engine/peer-clients.js';

/** The worker package this server ships to nodes (packages/worker beside packages/server). */
const WORKER_DIR = fileURLToPath(new URL('../../../../worker/', import.meta.url));

export function createComputeModule(
  platform: Services,
  deps: {
    providers: GpuProvider[];
    marketplace: Pick<MarketplaceModule, 'inventory'>;
    localAccess: LocalProviderAccess;
    training?: TrainingJobLookup;
    models: Pick<ModelsModule, 'catalog'>;
    dataDir: string;
    /** This server's HTTP port once it listens. */
    serverPort: () => number | undefined;
  },
) {
  const settings = platform.settings.compute;
  const db = platform.database.db;
  const repository = peerRepository(db);
  const jobs = computeJobRepository(db);
  const peers = peersUseCases({ repository, clock: platform.clock, settings });
  const clients = createPeerClients();
  const workers = workersUseCases({
    db,
    jobs,
    peers: repository,
    bundle: createRuntimeBundle({ workerDir: WORKER_DIR, dataDir: join(deps.dataDir, 'compute') }),
    providers: new Map(deps.providers.map((provider) => [provider.name, provider])),
    findOffer: (id) => {
      const found = deps.marketplace.inventory.find(id);
      if (!found) return undefined;
      return 'stale' in found ? 'stale' : found.offer;
    },
    localAllowed: deps.localAccess.allowsTenant,
    settings,
    image: platform.settings.sessions.defaultImage,
    serverPort: deps.serverPort,
    clock: platform.clock,
    logger: platform.logger,
  });
  const staging = stagingUseCases({
    jobs,
    peers: repository,
    hub: hubClient({ endpoint: settings.hubEndpoint, ...(settings.hubToken ? { token: settings.hubToken } : {}) }),
    model: async (tenantId, id) => {
      const row = await deps.models.catalog.get(tenantId, id);
      return { name: row.name, checksum: row.checksum, sizeBytes: row.size };
    },
    graceMs: settings.peerGraceMs,
    timeoutMs: settings.stagingTimeoutMs,
    clock: platform.clock,
    logger: platform.logger,
  });
  let sweep: NodeJS.Timeout | undefined;
  const registry = jobsRegistry({ jobs, ...(deps.training ? { training: deps.training } : {}) });
  return {
    areas: [computeArea(peers, workers, staging, registry)],
    peers,
    workers,
    staging,
    /** What the inference router uses (modules/inference/engine/peer-engine.ts). */
    routing: {
      mode: settings.peerRouting,
      callTimeoutMs: settings.peerCallTimeoutMs,
      preferred: peers.preferred,
      healthy: peers.healthy,
      infer: clients.infer,
    },
    start() {
      void workers
        .recover()
        .catch((error: unknown) => platform.logger.warn({ err: error }, 'recovering worker jobs failed'));
      // Peers of terminated instances leave the registry once unhealthy (checked every grace / 2).
      sweep = setInterval(
        () => {
          workers
            .sweepTerminated()
            .catch((error: unknown) => platform.logger.warn({ err: error }, 'removing peers failed'));
        },
        Math.max(100, settings.peerGraceMs / 2),
      );
      sweep.unref();
    },
    async stop() {
      clearInterval(sweep);
      clients.close();
    },
  } satisfies Module & Record<string, unknown>;
}

export type ComputeModule = ReturnType<typeof createComputeModule>;
