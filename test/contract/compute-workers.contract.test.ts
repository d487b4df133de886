/**
 * Contract: worker provisioning, instance termination and the shared jobs registry through the SDK against
 * a real server with the local provider, on both drivers. The accepted worker here runs a start script that
 * fails, so its job ends quickly at `installing_runtime` with its instance destroyed (the whole path to a
 * live peer is test/e2e/compute-workers.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  deleteComputePeer,
  getJob,
  provisionWorker,
  registerComputePeer,
  stageModel,
  terminateComputeInstance,
  waitForJob,
} from '@computeplane/sdk/compute';
import { listOffers } from '@computeplane/sdk/offers';
import { uploadModel } from '@computeplane/sdk/models';
import { startTraining } from '@computeplane/sdk/training';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';
import { conform, conformError } from './harness.js';

describe.each(testDrivers)('compute workers contract on $name', (driver) => {
  let db: TestDatabase;
  let server: TestServer;
  let dataDir: string;
  let offerId: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cp-workers-contract-'));
    db = await driver.create();
    server = await startTestServer(db.database, { dataDir });
    offerId = (await unwrap(listOffers(server.clientA, { params: { query: { provider: 'local' } } }))).offers[0]!.id;
  });
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('accepts a worker, reports its failed stage through the jobs registry, and terminates its instance', async () => {
    const accepted = (
      await conform(
        'provisionWorker',
        provisionWorker(server.clientA, {
          params: { query: { provider: 'local' } },
          body: { spec: { offer_id: offerId, start_script: 'exit 7' }, env: { TOKEN: 'secret-token-value' } },
        }),
      )
    ).data!;
    const job = await waitForJob(server.clientA, accepted.job_id, { intervalMs: 100, failOnError: false });
    const read = (await conform('getJob', getJob(server.clientA, { params: { path: { id: accepted.job_id } } }))).data!;
    expect(read).toEqual(job);
    expect(read).toMatchObject({ kind: 'worker', status: 'failed', stage: 'installing_runtime', report: null });
    expect(read.error).toMatch(/the start script exited with 7/);
    expect(read.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ['launching', 'completed'],
      ['booting', 'completed'],
      ['waiting_for_ssh', 'completed'],
      ['installing_runtime', 'failed'],
      ['starting_runtime', 'pending'],
      ['registering', 'pending'],
    ]);
    expect(JSON.stringify(read)).not.toContain('secret-token-value');
    // Terminating is idempotent on the provider: the failed job's instance is already gone.
    const terminated = await conform(
      'terminateComputeInstance',
      terminateComputeInstance(server.clientA, { params: { path: { id: accepted.instance_id } } }),
    );
    expect(terminated.response?.status).toBe(204);
    await conformError(
      'getJob',
      getJob(server.clientB, { params: { path: { id: accepted.job_id } } }),
      404,
      'NOT_FOUND',
    );
  });

  it('refuses an unknown offer, an offer of another provider, and an unknown instance', async () => {
    const unknown = await conformError(
      'provisionWorker',
      provisionWorker(server.clientA, {
        params: { query: { provider: 'local' } },
        body: { spec: { offer_id: 'local-nope' } },
      }),
      404,
      'NOT_FOUND',
    );
    expect(unknown.message).toMatch(/GET \/api\/v1\/inventory/);
    const mismatch = await conformError(
      'provisionWorker',
      provisionWorker(server.clientA, {
        params: { query: { provider: 'lambda' } },
        body: { spec: { offer_id: offerId } },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(mismatch.message).toMatch(/is an offer of local, not of provider=lambda/);
    await conformError(
      'provisionWorker',
      provisionWorker(server.clientA, {
        params: { query: { provider: 'local' } },
        body: { spec: { offer_id: offerId, count: 2 } },
      }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'terminateComputeInstance',
      terminateComputeInstance(server.clientA, { params: { path: { id: 'local-unknown' } } }),
      404,
      'NOT_FOUND',
    );
  });

  it('accepts a staging job onto a peer and reports why it failed when the peer cannot be reached', async () => {
    const model = await unwrap(uploadModel(server.clientA, { model: fixturePath('tiny-mlp.onnx') }));
    // A peer whose realtime endpoint nothing serves (registered without the probe).
    const peer = await unwrap(
      registerComputePeer(server.clientA, { body: { realtime_peer_url: 'ws://127.0.0.1:9/realtime', probe: false } }),
    );
    const accepted = (
      await conform('stageModel', stageModel(server.clientA, { body: { repo_id: model.id, peer_id: peer.id } }))
    ).data!;
    expect(accepted.dest_dir).toBe(model.id);
    const job = await waitForJob(server.clientA, accepted.job_id, { intervalMs: 100, failOnError: false });
    const read = (await conform('getJob', getJob(server.clientA, { params: { path: { id: accepted.job_id } } }))).data!;
    expect(read).toEqual(job);
    expect(read).toMatchObject({ kind: 'stage', status: 'failed', report: { repo_id: model.id, peer_id: peer.id } });
    expect(read.error).toMatch(/^staging: the peer's realtime endpoint/);
    await conformError(
      'stageModel',
      stageModel(server.clientB, { body: { repo_id: model.id, peer_id: peer.id } }),
      404,
      'NOT_FOUND',
    );
    await conformError(
      'stageModel',
      stageModel(server.clientA, { body: { repo_id: 'model_unknown1', peer_id: peer.id } }),
      404,
      'NOT_FOUND',
    );
    await unwrap(deleteComputePeer(server.clientA, { params: { path: { id: peer.id } } }));
    const noPeer = await conformError(
      'stageModel',
      stageModel(server.clientA, { body: { repo_id: model.id } }),
      503,
      'NO_DEVICES',
    );
    expect(noPeer.message).toMatch(/no healthy compute peer/);
  });

  it('serves training jobs through the same registry', async () => {
    const model = await unwrap(uploadModel(server.clientA, { model: fixturePath('tiny-mlp.onnx') }));
    const training = await unwrap(
      startTraining(server.clientA, {
        body: {
          model_id: model.id,
          data_config: { type: 'stream', total_samples: 64, batch_size: 16 },
          training_config: { epochs: 1, learning_rate: 0.05 },
        },
      }),
    );
    const job = (await conform('getJob', getJob(server.clientA, { params: { path: { id: training.job_id } } }))).data!;
    expect(job).toMatchObject({ job_id: training.job_id, kind: 'training', stage: null, stages: [] });
    expect(job.report).toMatchObject({ model_id: model.id });
    await conformError(
      'getJob',
      getJob(server.clientB, { params: { path: { id: training.job_id } } }),
      404,
      'NOT_FOUND',
    );
  });
});
