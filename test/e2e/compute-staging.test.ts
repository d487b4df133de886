/**
 * Model staging end to end: a fake of the Hugging Face Hub (test/fakes/hf-hub.ts, with a token), the real
 * runtime in peer mode as a child process, and the server. Files matching `name_filters` are streamed to
 * the peer, an interrupted download resumes with a Range request, every file's sha256 is the Hub's, and
 * the peer reports what it staged; a platform model id stages through the model cache.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, unwrap } from '@computeplane/sdk';
import { listComputePeers, stageModel, waitForJob, type ComputePeer } from '@computeplane/sdk/compute';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fixtureBytes, fixturePath } from '@computeplane/test-support/fixtures';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';
import { startFakeHub, type FakeHub } from '../fakes/hf-hub.js';

const workerMain = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));
const TOKEN = 'hf_test_token_0123456789';
const weights = new Uint8Array(randomBytes(300_000));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('model staging onto a peer', () => {
  let db: TestDatabase;
  let server: TestServer;
  let hub: FakeHub;
  let root: string;
  let worker: ChildProcess;
  let peer: ComputePeer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-staging-'));
    hub = await startFakeHub({
      token: TOKEN,
      repos: {
        'acme/tiny-mlp': {
          files: [
            { path: 'model.onnx', content: fixtureBytes('tiny-mlp.onnx'), lfs: true },
            { path: 'weights/part-1.bin', content: weights, lfs: true },
            { path: 'config.json', content: new TextEncoder().encode('{"hidden": 8}') },
            { path: 'README.md', content: new TextEncoder().encode('# tiny') },
          ],
        },
      },
    });
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, {
      settings: { compute: { hubEndpoint: hub.url, hubToken: TOKEN, peerGraceMs: 10_000 } },
    });
    worker = spawn(
      process.execPath,
      [
        workerMain,
        '--server',
        server.baseUrl,
        '--name',
        'stager',
        '--cache-dir',
        join(root, 'cache'),
        '--listen',
        '127.0.0.1:0',
      ],
      { env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: server.keyA }, stdio: 'ignore' },
    );
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await server?.close();
    await db?.dispose();
    await hub?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('stages the filtered files of a Hub repo, resuming an interrupted download, checksummed', async () => {
    await expect
      .poll(async () => (await unwrap(listComputePeers(server.clientA))).peers.find((p) => p.name === 'stager'), {
        timeout: 30_000,
        interval: 200,
      })
      .toBeDefined();
    peer = (await unwrap(listComputePeers(server.clientA))).peers.find((p) => p.name === 'stager')!;
    hub.interruptOnce('weights/part-1.bin', 100_000);

    const accepted = await unwrap(
      stageModel(server.clientA, {
        body: { repo_id: 'acme/tiny-mlp', name_filters: ['*.onnx', 'weights/**'], peer_id: peer.id },
      }),
    );
    expect(accepted.dest_dir).toBe('acme--tiny-mlp');
    const job = await waitForJob(server.clientA, accepted.job_id, { intervalMs: 200 });
    expect(job.kind).toBe('stage');
    const report = job.report as {
      files: { path: string; size: number; sha256: string }[];
      bytes_done: number;
      bytes_total: number;
    };
    expect(report.files.map((file) => file.path).sort()).toEqual(['model.onnx', 'weights/part-1.bin']);
    expect(report.files.find((f) => f.path === 'weights/part-1.bin')!.sha256).toBe(sha256(weights));
    expect(report.bytes_done).toBe(report.bytes_total);

    const dir = join(root, 'cache', 'staged', 'acme--tiny-mlp');
    expect(sha256(new Uint8Array(readFileSync(join(dir, 'weights/part-1.bin'))))).toBe(sha256(weights));
    expect(readFileSync(join(dir, 'model.onnx')).equals(readFileSync(fixturePath('tiny-mlp.onnx')))).toBe(true);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
    expect(existsSync(join(dir, 'weights/part-1.bin.partial'))).toBe(false);

    // The interrupted file was resumed from where it stopped, and every download carried the token.
    const downloads = hub.requests.filter((r) => r.path.includes('/resolve/'));
    // (the bytes that reached the peer before the cut: at most what the hub sent)
    const ranges = downloads.filter((r) => r.path.endsWith('part-1.bin')).map((r) => r.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeNull();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(100_000);
    expect(downloads.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);

    const staged = (await unwrap(listComputePeers(server.clientA))).peers.find((p) => p.id === peer.id)!.capabilities
      .staged as { repo_id: string }[];
    expect(staged.map((entry) => entry.repo_id)).toContain('acme/tiny-mlp');
  });

  it('stages a platform model through the model cache; the peer then reports holding it', async () => {
    const model = await unwrap(uploadModel(server.clientA, { model: fixturePath('regression.onnx') }));
    const accepted = await unwrap(stageModel(server.clientA, { body: { repo_id: model.id, peer_id: peer.id } }));
    await waitForJob(server.clientA, accepted.job_id, { intervalMs: 200 });
    expect(existsSync(join(root, 'cache', 'staged', model.id, `${model.id}.onnx`))).toBe(true);
    const models = (await unwrap(listComputePeers(server.clientA))).peers.find((p) => p.id === peer.id)!.capabilities
      .models as string[];
    expect(models).toContain(model.checksum);
  });

  it('refuses filters that match nothing, unknown repos and peers, and another tenant', async () => {
    const none = await stageModel(server.clientA, {
      body: { repo_id: 'acme/tiny-mlp', name_filters: ['*.gguf'], peer_id: peer.id },
    });
    expect((none.error as ApiError).status).toBe(400);
    expect(none.error?.message).toMatch(/name_filters matched none of the 4 files of acme\/tiny-mlp/);
    const unknown = await stageModel(server.clientA, { body: { repo_id: 'acme/missing', peer_id: peer.id } });
    expect((unknown.error as ApiError).status).toBe(404);
    const otherTenant = await stageModel(server.clientB, { body: { repo_id: 'acme/tiny-mlp', peer_id: peer.id } });
    expect((otherTenant.error as ApiError).status).toBe(404);
  });
});
