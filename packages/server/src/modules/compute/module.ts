/**
 * The compute module (compute-workspace.md, docs/compute.md): the compute peer registry (table
 * `compute_peers`) and the gRPC clients that run inference on the peers. What inference uses of it is
 * `routing`: the peer a request prefers, the healthy peers, and a call to a peer's ModelInfer.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { createPeerClients } from './engine/peer-clients.js';
import { computeArea } from './http/compute.js';
import { peerRepository } from './peer-repository.js';
import { peersUseCases } from './peers-use-cases.js';

export type { RoutablePeer } from './peers-use-cases.js';
export { PeerCallError } from './engine/peer-clients.js';

export function createComputeModule(platform: Services) {
  const settings = platform.settings.compute;
  const peers = peersUseCases({ repository: peerRepository(platform.database.db), clock: platform.clock, settings });
  const clients = createPeerClients();
  return {
    areas: [computeArea(peers)],
    peers,
    /** What the inference router uses (modules/inference/engine/peer-engine.ts). */
    routing: {
      mode: settings.peerRouting,
      callTimeoutMs: settings.peerCallTimeoutMs,
      preferred: peers.preferred,
      healthy: peers.healthy,
      infer: clients.infer,
    },
    async stop() {
      clients.close();
    },
  } satisfies Module & Record<string, unknown>;
}

export type ComputeModule = ReturnType<typeof createComputeModule>;
