/**
 * The compute peer registry: register (an idempotent upsert keyed by endpoint, probing the endpoints over
 * TCP first unless told not to; a heartbeat names its `peer_id` and gets a 404 once that peer was deleted),
 * list with health, delete (the entry only), and what routing asks: a preferred peer, the healthy peers.
 */
import { randomId } from '../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { ComputeSettings } from '../../platform/settings.js';
import { parseGrpcEndpoint, parseRealtimeEndpoint, type GrpcTarget } from './engine/endpoints.js';
import { tcpProbe } from './engine/tcp-probe.js';
import type { NewPeer, PeerRepository, PeerRow } from './peer-repository.js';
import { isHealthy, toComputePeer } from './peer-view.js';

export interface PeerRegistration {
  name?: string;
  grpc_peer?: string;
  realtime_peer_url?: string;
  instance_id?: string;
  capabilities?: Record<string, unknown>;
  probe?: boolean;
  peer_id?: string;
  auth_token?: string;
}

/** A peer as routing sees it. */
export interface RoutablePeer {
  id: string;
  grpc: GrpcTarget;
  /** Model checksums the peer reported holding (`capabilities.models`). */
  models: string[];
  /** The bearer token its endpoints expect, if it gave one. */
  token?: string;
}

const isUniqueViolation = (error: unknown) =>
  /duplicate key|unique constraint/i.test(String((error as { message?: string })?.message ?? '')) ||
  (error as { code?: string })?.code === '23505';

export function peersUseCases(deps: { repository: PeerRepository; clock: () => Date; settings: ComputeSettings }) {
  const { repository, clock, settings } = deps;
  const seenAfter = () => new Date(clock().getTime() - settings.peerGraceMs);
  const view = (row: PeerRow) => toComputePeer(row, clock(), settings.peerGraceMs);

  async function probe(field: string, endpoint: string, host: string, port: number): Promise<number> {
    try {
      return await tcpProbe(host, port, settings.probeTimeoutMs);
    } catch (error) {
      throw new ApiProblem(
        422,
        'PEER_UNREACHABLE',
        `${field} ${endpoint} is not reachable: ${(error as Error).message}; start the runtime there (computeplane-worker --listen), check the address, or send probe: false`,
      );
    }
  }

  async function upsert(tenantId: string, body: PeerRegistration): Promise<{ peer: PeerRow; created: boolean }> {
    if (body.grpc_peer === undefined && body.realtime_peer_url === undefined)
      throw new ApiProblem(400, 'VALIDATION_ERROR', 'send at least one of grpc_peer / realtime_peer_url', {
        details: [{ path: 'body', message: 'at least one of grpc_peer / realtime_peer_url is required' }],
      });
    const grpc = body.grpc_peer !== undefined ? parseGrpcEndpoint(body.grpc_peer) : undefined;
    const realtime = body.realtime_peer_url !== undefined ? parseRealtimeEndpoint(body.realtime_peer_url) : undefined;
    let probed: { at: Date; latency: number } | undefined;
    if (body.probe !== false) {
      const latencies = await Promise.all([
        grpc ? probe('grpc_peer', grpc.endpoint, grpc.host, grpc.port) : 0,
        realtime ? probe('realtime_peer_url', realtime.endpoint, realtime.host, realtime.port) : 0,
      ]);
      probed = { at: clock(), latency: Math.max(...latencies) };
    }
    const holders = await repository.byEndpoint(tenantId, grpc?.endpoint, realtime?.endpoint);
    let target: PeerRow | undefined;
    if (body.peer_id !== undefined) {
      target = await repository.get(tenantId, body.peer_id);
      if (!target)
        throw new ApiProblem(
          404,
          'NOT_FOUND',
          `Compute peer '${body.peer_id}' not found (it was deleted): register again without peer_id`,
        );
    } else target = holders[0];
    const others = holders.filter((row) => row.id !== target?.id);
    if (others.length > 0)
      throw new ApiProblem(
        409,
        'CONFLICT',
        `the endpoints belong to different peers (${[target?.id, ...others.map((row) => row.id)].filter(Boolean).join(', ')}); delete one or register each endpoint with its own peer`,
      );
    const now = clock();
    const changes: Partial<NewPeer> = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(grpc ? { grpcPeer: grpc.endpoint } : {}),
      ...(realtime ? { realtimePeerUrl: realtime.endpoint } : {}),
      ...(body.instance_id !== undefined ? { instanceId: body.instance_id } : {}),
      ...(body.auth_token !== undefined ? { authToken: body.auth_token } : {}),
      ...(probed ? { lastProbeAt: probed.at, probeLatencyMs: probed.latency } : {}),
      lastSeenAt: now,
      updatedAt: now,
    };
    if (target) {
      // Capabilities are merged key by key: what a registration sends replaces, what it leaves out is kept.
      const capabilities = body.capabilities ? { ...target.capabilities, ...body.capabilities } : undefined;
      const updated = await repository.update(tenantId, target.id, {
        ...changes,
        ...(capabilities ? { capabilities } : {}),
      });
      if (!updated) throw notFound('Compute peer', target.id);
      return { peer: updated, created: false };
    }
    const peer = await repository.insert({
      id: randomId('peer'),
      tenantId,
      name: body.name ?? grpc?.endpoint ?? realtime!.endpoint,
      capabilities: body.capabilities ?? {},
      createdAt: now,
      ...changes,
      lastSeenAt: now,
    });
    return { peer, created: true };
  }

  return {
    async register(tenantId: string, body: PeerRegistration) {
      let result;
      try {
        result = await upsert(tenantId, body);
      } catch (error) {
        // Two first registrations of one endpoint at once: the loser updates the winner's row.
        if (!isUniqueViolation(error)) throw error;
        result = await upsert(tenantId, { ...body, probe: false });
      }
      return { peer: view(result.peer), created: result.created };
    },

    async list(tenantId: string, query: { limit: number; offset: number; health?: 'healthy' | 'unhealthy' }) {
      const { rows, total } = await repository.list(tenantId, { ...query, seenAfter: seenAfter() });
      return { peers: rows.map(view), total };
    },

    async remove(tenantId: string, id: string) {
      if (!(await repository.delete(tenantId, id))) throw notFound('Compute peer', id);
    },

    /**
     * The peer a request names (x-hybrie-preferred-peer-id): 404 when the tenant has no such peer; `healthy`
     * false when it was not seen within the grace period or serves no gRPC endpoint.
     */
    async preferred(tenantId: string, id: string): Promise<{ peer: RoutablePeer; healthy: true } | { healthy: false }> {
      const row = await repository.get(tenantId, id);
      if (!row) throw new ApiProblem(404, 'NOT_FOUND', `Compute peer '${id}' not found (x-hybrie-preferred-peer-id)`);
      if (!row.grpcPeer || !isHealthy(row, clock(), settings.peerGraceMs)) return { healthy: false };
      return { peer: routable(row), healthy: true };
    },

    /** The tenant's healthy gRPC peers, peers holding `checksum` first, then oldest registration first. */
    async healthy(tenantId: string, checksum?: string): Promise<RoutablePeer[]> {
      const peers = (await repository.healthy(tenantId, seenAfter())).filter((row) => row.grpcPeer).map(routable);
      if (checksum === undefined) return peers;
      return [
        ...peers.filter((p) => p.models.includes(checksum)),
        ...peers.filter((p) => !p.models.includes(checksum)),
      ];
    },
  };
}

function routable(row: PeerRow): RoutablePeer {
  const models = row.capabilities.models;
  return {
    id: row.id,
    grpc: parseGrpcEndpoint(row.grpcPeer!),
    models: Array.isArray(models) ? models.filter((m): m is string => typeof m === 'string') : [],
    ...(row.authToken ? { token: row.authToken } : {}),
  };
}

export type PeersUseCases = ReturnType<typeof peersUseCases>;
