/**
 * Where compute peers come into routing (docs/compute.md): a request that names a peer
 * (x-hybrie-preferred-peer-id) runs there while the peer is healthy; with COMPUTE_PEER_ROUTING=first a
 * request naming none runs on the first healthy peer (one holding the model first). A peer that is
 * unhealthy or cannot be reached is skipped: the request runs where it would have without it.
 */
import { ApiProblem } from '../../../platform/http/problem.js';
import { PeerCallError, type ComputeModule, type RoutablePeer } from '../../compute/module.js';
import { createPeerEngine, PeerUnavailable, type PeerLink } from '../engine/peer-engine.js';
import type { EngineLike } from '../engine/inference-engine.js';
import type { ExecutableModel } from './model-lookup.js';

export type PeerRouting = ComputeModule['routing'];

export function createPeerPlacement(routing: PeerRouting, options: EngineLike['options']) {
  const link: PeerLink = {
    infer: routing.infer,
    callTimeoutMs: routing.callTimeoutMs,
    classify: (error) => (error instanceof PeerCallError ? error.kind : 'failed'),
  };
  return {
    /**
     * The peer to run on, or undefined (run as without peers). A named peer the tenant does not have is
     * a 404; one that is unhealthy is skipped.
     */
    async pick(tenantId: string, model: ExecutableModel | undefined, preferredPeerId?: string) {
      if (preferredPeerId !== undefined) {
        const preferred = await routing.preferred(tenantId, preferredPeerId);
        return preferred.healthy ? preferred.peer : undefined;
      }
      if (routing.mode !== 'first') return undefined;
      return (await routing.healthy(tenantId, model?.handle.key))[0];
    },
    engineFor: (peer: RoutablePeer) => createPeerEngine(peer, link, options),
    /** The peer's engine, falling back to `fallback` for a call the peer could not take (batch slices). */
    withFallback(peer: RoutablePeer, fallback: EngineLike): EngineLike {
      const onPeer = createPeerEngine(peer, link, options);
      return {
        options,
        submit: (model, feeds, submitOptions) =>
          onPeer.submit(model, feeds, submitOptions).catch((error: unknown) => {
            if (error instanceof PeerUnavailable) return fallback.submit(model, feeds, submitOptions);
            throw error;
          }),
      };
    },
    /** The job's named peer, for its slices (undefined: not named, deleted or unhealthy). */
    async forJob(tenantId: string, jobOptions: Record<string, unknown>) {
      const id = jobOptions.preferred_peer_id;
      if (typeof id !== 'string') return undefined;
      try {
        return await this.pick(tenantId, undefined, id);
      } catch (error) {
        if (error instanceof ApiProblem) return undefined;
        throw error;
      }
    },
  };
}

export type PeerPlacement = ReturnType<typeof createPeerPlacement>;
