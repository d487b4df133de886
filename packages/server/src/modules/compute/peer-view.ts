/** A peer row as the API shows it (openapi/compute.yaml `ComputePeer`), with its health judged now. */
import type { PeerRow } from './peer-repository.js';

export const isHealthy = (row: PeerRow, now: Date, graceMs: number) =>
  now.getTime() - row.lastSeenAt.getTime() <= graceMs;

export function toComputePeer(row: PeerRow, now: Date, graceMs: number) {
  return {
    id: row.id,
    name: row.name,
    grpc_peer: row.grpcPeer,
    realtime_peer_url: row.realtimePeerUrl,
    instance_id: row.instanceId,
    capabilities: row.capabilities,
    health: {
      status: isHealthy(row, now, graceMs) ? ('healthy' as const) : ('unhealthy' as const),
      last_seen_at: row.lastSeenAt.toISOString(),
      last_probe_at: row.lastProbeAt?.toISOString() ?? null,
      probe_latency_ms: row.probeLatencyMs === null ? null : Math.round(row.probeLatencyMs * 1000) / 1000,
      grace_ms: graceMs,
    },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export type ComputePeerView = ReturnType<typeof toComputePeer>;
