import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../platform/settings.js';
import type { PeerRepository, PeerRow } from './peer-repository.js';
import { peersUseCases } from './peers-use-cases.js';

const now = new Date('2026-12-05T12:00:00Z');
const row = (id: string, models: string[], seenMsAgo = 0, grpc = true): PeerRow => ({
  id,
  tenantId: 't',
  name: id,
  grpcPeer: grpc ? `http://127.0.0.1:${9000 + id.length}` : null,
  realtimePeerUrl: null,
  instanceId: null,
  authToken: null,
  capabilities: { models },
  lastSeenAt: new Date(now.getTime() - seenMsAgo),
  lastProbeAt: null,
  probeLatencyMs: null,
  createdAt: now,
  updatedAt: now,
});

function useCases(rows: PeerRow[]) {
  const repository = {
    // As the table answers: healthy rows oldest first.
    healthy: async (_tenant: string, seenAfter: Date) => rows.filter((r) => r.lastSeenAt >= seenAfter),
    get: async (_tenant: string, id: string) => rows.find((r) => r.id === id),
  } as unknown as PeerRepository;
  return peersUseCases({ repository, clock: () => now, settings: DEFAULT_SETTINGS.compute });
}

describe('peer routing choices', () => {
  it('puts a healthy peer holding the model first, then the others in registration order', async () => {
    const peers = useCases([row('peer_first', []), row('peer_holder', ['sha256:abc']), row('peer_third', [])]);
    expect((await peers.healthy('t', 'sha256:abc')).map((p) => p.id)).toEqual([
      'peer_holder',
      'peer_first',
      'peer_third',
    ]);
    expect((await peers.healthy('t')).map((p) => p.id)).toEqual(['peer_first', 'peer_holder', 'peer_third']);
  });

  it('leaves out peers past the grace period and peers without a gRPC endpoint', async () => {
    const grace = DEFAULT_SETTINGS.compute.peerGraceMs;
    const peers = useCases([
      row('peer_stale', ['sha256:abc'], grace + 1),
      row('peer_nogrpc', [], 0, false),
      row('peer_ok', []),
    ]);
    expect((await peers.healthy('t', 'sha256:abc')).map((p) => p.id)).toEqual(['peer_ok']);
    expect(await peers.preferred('t', 'peer_stale')).toEqual({ healthy: false });
    expect(await peers.preferred('t', 'peer_ok')).toMatchObject({ healthy: true, peer: { id: 'peer_ok' } });
    await expect(peers.preferred('t', 'peer_missing')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
