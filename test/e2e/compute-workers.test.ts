/**
 * Worker provisioning end to end on the local provider (real runc instances, real SSH): one call launches
 * an instance, the job installs the npm-packed runtime over SSH, starts it in peer mode and completes when
 * the runtime has registered itself as a compute peer; inference routed to it by header equals the
 * in-process engine's; terminating the instance makes the peer unhealthy (requests fall back at once) and
 * then removes it. A worker whose start script fails is destroyed and its job names the stage. The env
 * values never come back.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  getJob,
  JobFailedError,
  listComputePeers,
  provisionWorker,
  terminateComputeInstance,
  waitForJob,
} from '@computeplane/sdk/compute';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { listOffers } from '@computeplane/sdk/offers';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';

const GRACE_MS = 3_000;
const SECRET = 'sekrit-value-0123456789';
const input = { data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.1, 4.4, 1.4], shape: [2, 4] };
type SyncResult = { result: unknown; device_id: string };

describe('compute workers on the local provider', () => {
  let db: TestDatabase;
  let server: TestServer;
  let offerId: string;
  let dataDir: string;

  beforeAll(async () => {
    // Its own data directory: another server of this machine sharing one would sweep these instances.
    dataDir = await mkdtemp(join(tmpdir(), 'cp-workers-'));
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, { settings: { compute: { peerGraceMs: GRACE_MS } }, dataDir });
    const offers = await unwrap(listOffers(server.clientA, { params: { query: { provider: 'local' } } }));
    offerId = offers.offers[0]!.id;
  });
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Real provisioning: the runtime is packed, copied over SSH and started (about 30 s on an idle machine).
  it(
    'provisions a worker that becomes a peer, serves routed inference, and is terminated',
    { timeout: 240_000 },
    async () => {
      const client = server.clientA;
      const accepted = await unwrap(
        provisionWorker(client, {
          params: { query: { provider: 'local' } },
          body: { spec: { offer_id: offerId, count: 1 }, env: { WORKER_SECRET: SECRET } },
        }),
      );
      expect(accepted.instance_id).toMatch(/^local-/);
      const seen: string[] = [];
      const job = await waitForJob(client, accepted.job_id, { intervalMs: 200, onStage: (stage) => seen.push(stage) });
      expect(job.status).toBe('completed');
      expect(job.stages.map((stage) => stage.status)).toEqual(Array(6).fill('completed'));
      expect(seen.at(-1)).toBe('registering');
      const report = job.report as {
        instance_id: string;
        ip: string;
        grpc_peer: string;
        realtime_peer_url: string;
        peer_id: string;
      };
      expect(report).toMatchObject({ instance_id: accepted.instance_id, ip: '127.0.0.1' });
      expect(JSON.stringify(job)).not.toContain(SECRET);

      const peer = (await unwrap(listComputePeers(client))).peers.find((p) => p.id === report.peer_id)!;
      expect(peer).toMatchObject({ instance_id: accepted.instance_id, grpc_peer: report.grpc_peer });
      expect(peer.health.status).toBe('healthy');
      expect(JSON.stringify(peer)).not.toContain(SECRET);

      const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
      const sync = async (header?: Record<string, string>) =>
        (await unwrap(
          runInference(client, { body: { model_id: model.id, input }, ...(header ? { params: { header } } : {}) }),
        )) as SyncResult;
      const local = await sync();
      const onWorker = await sync({ 'x-hybrie-preferred-peer-id': report.peer_id });
      expect(onWorker.device_id).toBe(`peer/${report.peer_id}`);
      expect(onWorker.result).toEqual(local.result);

      const terminated = await terminateComputeInstance(client, { params: { path: { id: accepted.instance_id } } });
      expect(terminated.response?.status).toBe(204);
      // The runtime is gone: requests naming its peer run in-process; the peer turns unhealthy, then leaves.
      const fallback = await sync({ 'x-hybrie-preferred-peer-id': report.peer_id });
      expect(fallback.device_id).toMatch(/^local\//);
      expect(fallback.result).toEqual(local.result);
      await expect
        .poll(async () => (await unwrap(listComputePeers(client))).peers.some((p) => p.id === report.peer_id), {
          timeout: GRACE_MS * 20,
          interval: 250,
        })
        .toBe(false);
      expect(existsSync(join(dataDir, 'instances', accepted.instance_id))).toBe(false);
      expect((await unwrap(getJob(client, { params: { path: { id: accepted.job_id } } }))).status).toBe('completed');
    },
  );

  it('destroys the instance of a worker whose start script fails, and says which stage failed', async () => {
    const accepted = await unwrap(
      provisionWorker(server.clientA, {
        params: { query: { provider: 'local' } },
        body: { spec: { offer_id: offerId, start_script: 'echo preparing; exit 3' } },
      }),
    );
    const error = await waitForJob(server.clientA, accepted.job_id, { intervalMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    const job = (error as JobFailedError).job;
    expect(job.status).toBe('failed');
    expect(job.stage).toBe('installing_runtime');
    expect(job.error).toMatch(/^installing runtime: the start script exited with 3: preparing/);
    expect(job.stages.find((stage) => stage.name === 'installing_runtime')!.status).toBe('failed');
    expect(existsSync(join(dataDir, 'instances', accepted.instance_id))).toBe(false);
    // Another tenant sees neither the job nor the instance.
    expect((await getJob(server.clientB, { params: { path: { id: accepted.job_id } } })).response?.status).toBe(404);
    expect(
      (await terminateComputeInstance(server.clientB, { params: { path: { id: accepted.instance_id } } })).response
        ?.status,
    ).toBe(404);
  });
});
