/**
 * Keeps this runtime registered as a compute peer of the API key's tenant: registers its endpoints (the
 * server TCP-probes them first), then re-registers every `grace_ms / 3` as a heartbeat, naming the peer id
 * it was given and reporting its capabilities with the models it holds. A heartbeat answered 404 (the peer
 * was deleted) registers afresh; a failed one is retried at the next beat.
 */
import { createClient, NotFoundError } from '@computeplane/sdk';
import { registerComputePeer } from '@computeplane/sdk/compute';
import type { LogRing } from './log-ring.js';

export interface PeerIdentity {
  name: string;
  grpcPeer: string;
  realtimePeerUrl: string;
  /** The bearer token the server is to present to this peer's endpoints. */
  token: string;
  instanceId?: string;
}

export function keepRegistered(options: {
  server: string;
  apiKey: string;
  identity: PeerIdentity;
  capabilities: () => Promise<Record<string, unknown>>;
  log: LogRing;
  /** Until the server says (grace_ms / 3). */
  initialIntervalMs?: number;
}) {
  const client = createClient({ baseUrl: options.server, apiKey: options.apiKey });
  let peerId: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let intervalMs = options.initialIntervalMs ?? 10_000;

  async function beat() {
    const { identity } = options;
    const { data, error } = await registerComputePeer(client, {
      body: {
        name: identity.name,
        grpc_peer: identity.grpcPeer,
        realtime_peer_url: identity.realtimePeerUrl,
        auth_token: identity.token,
        ...(identity.instanceId ? { instance_id: identity.instanceId } : {}),
        capabilities: await options.capabilities(),
        // The first registration has the server check that it can reach us; heartbeats need not.
        probe: peerId === undefined,
        ...(peerId ? { peer_id: peerId } : {}),
      },
    });
    if (error) {
      if (error instanceof NotFoundError && peerId) {
        options.log.warn(`peer ${peerId} was deleted; registering again`);
        peerId = undefined;
        return beat();
      }
      options.log.warn(`peer registration failed: ${error.message}`);
      return;
    }
    if (peerId !== data.id) options.log.info(`registered as compute peer ${data.id}`);
    peerId = data.id;
    intervalMs = Math.max(100, Math.floor(data.health.grace_ms / 3));
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void beat()
        .catch((error: unknown) => options.log.warn(`peer heartbeat failed: ${(error as Error).message}`))
        .finally(schedule);
    }, intervalMs);
  }

  const first = beat().catch((error: unknown) =>
    options.log.warn(`peer registration failed: ${(error as Error).message}`),
  );
  void first.finally(schedule);
  return {
    /** Resolves after the first registration attempt. */
    first,
    get peerId() {
      return peerId;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
