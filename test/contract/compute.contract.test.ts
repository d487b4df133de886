/**
 * Contract: the compute area's peer registry (register, list, delete) through the SDK against a real server on
 * both drivers: the upsert keyed by endpoint with capabilities kept, the TCP probe against real listening
 * and closed ports, health and its grace period, the heartbeat 404 for a deleted peer, and tenancy.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { deleteComputePeer, listComputePeers, registerComputePeer } from '@computeplane/sdk/compute';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, serverFor } from './harness.js';

const GRACE_MS = 1_500;

/** A real TCP listener (what the probe connects to), and a port nothing listens on. */
async function listener(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe.each(testDrivers)('compute peers contract on $name', (driver) => {
  const suite = serverFor(driver, { settings: { compute: { peerGraceMs: GRACE_MS, probeTimeoutMs: 2_000 } } });
  let open: { server: Server; port: number };
  let other: { server: Server; port: number };
  let closedPort: number;

  beforeAll(async () => {
    open = await listener();
    other = await listener();
    const closed = await listener();
    closedPort = closed.port;
    await new Promise((resolve) => closed.server.close(resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => open.server.close(resolve));
    await new Promise((resolve) => other.server.close(resolve));
  });

  const register = (body: Parameters<typeof registerComputePeer>[1]['body'], client = suite.server.clientA) =>
    conform('registerComputePeer', registerComputePeer(client, { body }));

  it('registers a probed peer, then updates it when the same endpoint registers again, keeping capabilities', async () => {
    const grpc = `http://127.0.0.1:${open.port}`;
    const first = await register({
      name: 'box-1',
      grpc_peer: grpc,
      realtime_peer_url: `ws://127.0.0.1:${other.port}/realtime`,
      capabilities: { gpu: 'none', cpu_cores: 2 },
      auth_token: 'peer-secret-token-0123456789',
    });
    expect(JSON.stringify(first.data)).not.toContain('peer-secret-token');
    expect(first.response?.status).toBe(201);
    const peer = first.data!;
    expect(peer).toMatchObject({ name: 'box-1', grpc_peer: grpc, instance_id: null });
    expect(peer.health.status).toBe('healthy');
    expect(peer.health.last_probe_at).not.toBeNull();
    expect(peer.health.probe_latency_ms).toBeGreaterThanOrEqual(0);
    expect(peer.health.grace_ms).toBe(GRACE_MS);

    // The same endpoint written without a scheme is the same peer; capabilities not sent are kept.
    const again = await register({ grpc_peer: `127.0.0.1:${open.port}`, probe: false });
    expect(again.response?.status).toBe(200);
    expect(again.data).toMatchObject({ id: peer.id, name: 'box-1', capabilities: { gpu: 'none', cpu_cores: 2 } });
    // Sent capabilities replace the keys they name; the others stay.
    const merged = await register({
      grpc_peer: grpc,
      capabilities: { cpu_cores: 4, models: ['sha256:ab'] },
      probe: false,
    });
    expect(merged.data!.capabilities).toEqual({ gpu: 'none', cpu_cores: 4, models: ['sha256:ab'] });
    expect(merged.data!.health.last_probe_at).toBe(peer.health.last_probe_at);

    const list = (await conform('listComputePeers', listComputePeers(suite.server.clientA))).data!;
    expect(list.peers.filter((p) => p.id === peer.id)).toHaveLength(1);
    await unwrap(deleteComputePeer(suite.server.clientA, { params: { path: { id: peer.id } } }));
  });

  it('refuses a registration without an endpoint, a malformed endpoint, and an unreachable one', async () => {
    const none = await conformError(
      'registerComputePeer',
      registerComputePeer(suite.server.clientA, { body: { name: 'x' } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(none.message).toMatch(/at least one of grpc_peer \/ realtime_peer_url/);
    const malformed = await conformError(
      'registerComputePeer',
      registerComputePeer(suite.server.clientA, { body: { realtime_peer_url: 'http://127.0.0.1:1/x' } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(malformed.message).toMatch(/ws:\/\/ or wss:\/\//);
    const unreachable = await conformError(
      'registerComputePeer',
      registerComputePeer(suite.server.clientA, { body: { grpc_peer: `http://127.0.0.1:${closedPort}` } }),
      422,
      'PEER_UNREACHABLE',
    );
    expect(unreachable.message).toContain(`grpc_peer http://127.0.0.1:${closedPort} is not reachable`);
    // Without the probe, the same endpoint is accepted (and registered unprobed).
    const unprobed = await register({ grpc_peer: `http://127.0.0.1:${closedPort}`, probe: false });
    expect(unprobed.response?.status).toBe(201);
    expect(unprobed.data!.health.last_probe_at).toBeNull();
    await unwrap(deleteComputePeer(suite.server.clientA, { params: { path: { id: unprobed.data!.id } } }));
  });

  it('refuses endpoints that belong to two different peers', async () => {
    const a = (await register({ grpc_peer: `http://127.0.0.1:${open.port}`, probe: false })).data!;
    const b = (await register({ realtime_peer_url: `ws://127.0.0.1:${other.port}/rt`, probe: false })).data!;
    const error = await conformError(
      'registerComputePeer',
      registerComputePeer(suite.server.clientA, {
        body: {
          grpc_peer: `http://127.0.0.1:${open.port}`,
          realtime_peer_url: `ws://127.0.0.1:${other.port}/rt`,
          probe: false,
        },
      }),
      409,
      'CONFLICT',
    );
    expect(error.message).toContain(a.id);
    expect(error.message).toContain(b.id);
    for (const id of [a.id, b.id]) await unwrap(deleteComputePeer(suite.server.clientA, { params: { path: { id } } }));
  });

  it('marks a peer unhealthy after the grace period, healthy again on a heartbeat; a deleted peer’s heartbeat is a 404', async () => {
    const peer = (await register({ grpc_peer: `http://127.0.0.1:${open.port}`, probe: false })).data!;
    const healthOf = async () =>
      (await unwrap(listComputePeers(suite.server.clientA))).peers.find((p) => p.id === peer.id)?.health.status;
    await expect.poll(healthOf, { timeout: GRACE_MS * 10, interval: 100 }).toBe('unhealthy');
    const unhealthy = (
      await conform(
        'listComputePeers',
        listComputePeers(suite.server.clientA, { params: { query: { health: 'unhealthy' } } }),
      )
    ).data!;
    expect(unhealthy.peers.map((p) => p.id)).toContain(peer.id);

    const beat = await register({ grpc_peer: `http://127.0.0.1:${open.port}`, peer_id: peer.id, probe: false });
    expect(beat.response?.status).toBe(200);
    expect(beat.data!.health.status).toBe('healthy');
    const healthy = (await unwrap(listComputePeers(suite.server.clientA, { params: { query: { health: 'healthy' } } })))
      .peers;
    expect(healthy.map((p) => p.id)).toContain(peer.id);

    const deleted = await conform(
      'deleteComputePeer',
      deleteComputePeer(suite.server.clientA, { params: { path: { id: peer.id } } }),
    );
    expect(deleted.response?.status).toBe(204);
    const afterDelete = await conformError(
      'registerComputePeer',
      registerComputePeer(suite.server.clientA, {
        body: { grpc_peer: `http://127.0.0.1:${open.port}`, peer_id: peer.id, probe: false },
      }),
      404,
      'NOT_FOUND',
    );
    expect(afterDelete.message).toMatch(/register again without peer_id/);
    await conformError(
      'deleteComputePeer',
      deleteComputePeer(suite.server.clientA, { params: { path: { id: peer.id } } }),
      404,
      'NOT_FOUND',
    );
  });

  it('keeps each tenant to its own peers', async () => {
    const peer = (await register({ grpc_peer: `http://127.0.0.1:${open.port}`, probe: false })).data!;
    const seenByB = (await unwrap(listComputePeers(suite.server.clientB))).peers;
    expect(seenByB.map((p) => p.id)).not.toContain(peer.id);
    await conformError(
      'deleteComputePeer',
      deleteComputePeer(suite.server.clientB, { params: { path: { id: peer.id } } }),
      404,
      'NOT_FOUND',
    );
    // The same endpoint registered by tenant B is B's own peer.
    const mine = (await register({ grpc_peer: `http://127.0.0.1:${open.port}`, probe: false }, suite.server.clientB))
      .data!;
    expect(mine.id).not.toBe(peer.id);
    // B cannot route to A's peer: the header names a peer B does not have.
    const model = await unwrap(uploadModel(suite.server.clientB, { model: fixturePath('tiny-mlp.onnx'), name: 'mlp' }));
    await conformError(
      'runInference',
      runInference(suite.server.clientB, {
        body: { model_id: model.id, input: { data: [1, 2, 3, 4], shape: [1, 4] } },
        params: { header: { 'x-hybrie-preferred-peer-id': peer.id } },
      }),
      404,
      'NOT_FOUND',
    );
    await unwrap(deleteComputePeer(suite.server.clientA, { params: { path: { id: peer.id } } }));
    await unwrap(deleteComputePeer(suite.server.clientB, { params: { path: { id: mine.id } } }));
  });
});
