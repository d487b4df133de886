/**
 * Compute peers end to end, with the real runtime in peer mode (`computeplane-worker --listen`) as a child
 * process over real sockets: it registers itself as a peer and heartbeats; sync, async and batch requests
 * naming it (x-hybrie-preferred-peer-id, and the alias) run there over gRPC with results equal to the
 * in-process engine's; a gRPC client built from the same .proto calls it directly; its realtime endpoint
 * runs a task; killed, it goes unhealthy and requests naming it run in-process instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, parseDeviceMessage, type DeviceMessage } from '@computeplane/device-protocol';
import { loadInferenceService } from '@computeplane/device-protocol/open-inference';
import { unwrap } from '@computeplane/sdk';
import { listComputePeers, type ComputePeer } from '@computeplane/sdk/compute';
import { getDeviceLogs, listDevices } from '@computeplane/sdk/devices';
import {
  runInference,
  submitBatchInference,
  waitForInferenceJob,
  iterateBatchResults,
} from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';

const workerMain = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));
const GRACE_MS = 1_500;
const input = { data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.1, 4.4, 1.4], shape: [2, 4] };

type SyncResult = { result: { data: number[]; shape: number[] }; device_id: string };

const PEER_TOKEN = 'peer-token-for-the-e2e-0123456789';

/** Calls a unary method of the generated client as a promise, presenting the peer token unless told not to. */
function call<T>(client: grpc.Client, method: string, request: object, token: string | null = PEER_TOKEN): Promise<T> {
  const metadata = new grpc.Metadata();
  if (token !== null) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) =>
    (client as unknown as Record<string, (r: object, m: grpc.Metadata, cb: (e: Error | null, v: T) => void) => void>)[
      method
    ]!.call(client, request, metadata, (error, value) => (error ? reject(error) : resolve(value))),
  );
}

describe('compute peers: the runtime in peer mode', () => {
  let db: TestDatabase;
  let server: TestServer;
  let root: string;
  let worker: ChildProcess;
  let peer: ComputePeer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-peers-'));
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, { settings: { compute: { peerGraceMs: GRACE_MS } } });
    worker = spawn(
      process.execPath,
      [
        workerMain,
        '--server',
        server.baseUrl,
        '--name',
        'peer-1',
        '--cache-dir',
        join(root, 'cache'),
        '--listen',
        '127.0.0.1:0',
      ],
      {
        env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: server.keyA, COMPUTEPLANE_PEER_TOKEN: PEER_TOKEN },
        stdio: 'ignore',
      },
    );
  });

  it('registered itself with both endpoints, probed, healthy, with its capabilities', async () => {
    await expect
      .poll(async () => (await unwrap(listComputePeers(server.clientA))).peers.find((p) => p.name === 'peer-1'), {
        timeout: 30_000,
        interval: 200,
      })
      .toBeDefined();
    peer = (await unwrap(listComputePeers(server.clientA))).peers.find((p) => p.name === 'peer-1')!;
    afterAll(async () => {
      worker?.kill('SIGKILL');
      await server?.close();
      await db?.dispose();
      await rm(root, { recursive: true, force: true });
    });

    expect(peer.grpc_peer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(peer.realtime_peer_url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/realtime$/);
    expect(peer.health.status).toBe('healthy');
    expect(peer.health.last_probe_at).not.toBeNull();
    expect(peer.capabilities).toMatchObject({ sdk_type: 'nodejs', models: [] });
  });

  it('runs requests naming it over gRPC, with the in-process results; the gRPC client and realtime endpoint work too', async () => {
    const client = server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const sync = async (header?: Record<string, string>) =>
      (await unwrap(
        runInference(client, { body: { model_id: model.id, input }, ...(header ? { params: { header } } : {}) }),
      )) as SyncResult;
    const local = await sync();
    expect(local.device_id).toMatch(/^local\//);
    const onPeer = await sync({ 'x-hybrie-preferred-peer-id': peer.id });
    expect(onPeer.device_id).toBe(`peer/${peer.id}`);
    expect(onPeer.result).toEqual(local.result);
    const alias = await sync({ 'x-computeplane-preferred-peer-id': peer.id });
    expect(alias.device_id).toBe(`peer/${peer.id}`);
    expect(alias.result).toEqual(local.result);

    // A batch naming the peer: its slices run there (the peer logs each call), results equal in-process ones.
    const rows = 40;
    const stacked = { data: Array.from({ length: rows * 4 }, (_, i) => (i % 9) / 3), shape: [rows, 4] };
    const batchOf = async (header?: Record<string, string>) => {
      const accepted = await unwrap(
        submitBatchInference(client, {
          body: { model_id: model.id, stacked_input: stacked },
          ...(header ? { params: { header } } : {}),
        }),
      );
      await waitForInferenceJob(client, accepted.job_id, { intervalMs: 100 });
      const results: unknown[] = [];
      for await (const result of iterateBatchResults(client, accepted.job_id)) results.push(result);
      return results;
    };
    const deviceId = (await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }))).devices.find(
      (d) => d.name === 'peer-1',
    )!.id;
    const inferCalls = async () =>
      (
        await unwrap(getDeviceLogs(client, { params: { path: { id: deviceId }, query: { lines: 1000 } } }))
      ).entries.filter((entry) => entry.message.startsWith('ModelInfer')).length;
    const callsBefore = await inferCalls();
    const peerBatch = await batchOf({ 'x-hybrie-preferred-peer-id': peer.id });
    expect(await inferCalls()).toBeGreaterThan(callsBefore);
    expect(peerBatch).toEqual(await batchOf());
    expect(peerBatch).toHaveLength(rows);

    // The peer now reports the model among its capabilities.
    await expect
      .poll(
        async () => (await unwrap(listComputePeers(client))).peers.find((p) => p.id === peer.id)?.capabilities.models,
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toContain(model.checksum);

    // A gRPC client generated from the same .proto calls the peer directly.
    const Service = loadInferenceService();
    const direct = new Service(peer.grpc_peer!.replace('http://', ''), grpc.credentials.createInsecure());
    try {
      // Without the peer token (or with another) nothing is served.
      await expect(call(direct, 'ServerLive', {}, null)).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
      await expect(
        call(direct, 'ModelInfer', { model_name: model.checksum }, 'wrong-token-0123456789'),
      ).rejects.toMatchObject({
        code: grpc.status.UNAUTHENTICATED,
      });
      expect(await call(direct, 'ServerLive', {})).toEqual({ live: true });
      expect(await call(direct, 'ServerReady', {})).toEqual({ ready: true });
      expect(await call(direct, 'ModelReady', { name: model.checksum })).toEqual({ ready: true });
      expect(await call(direct, 'ModelReady', { name: `sha256:${'0'.repeat(64)}` })).toEqual({ ready: false });
      const metadata = await call<{ inputs: { name: string; datatype: string; shape: number[] }[] }>(
        direct,
        'ModelMetadata',
        {
          name: model.checksum,
        },
      );
      expect(metadata.inputs).toEqual([{ name: model.inputs[0]!.name, datatype: 'FP32', shape: [-1, 4] }]);
      const inferred = await call<{
        outputs: { name: string; datatype: string; shape: number[] }[];
        raw_output_contents: Buffer[];
      }>(direct, 'ModelInfer', {
        model_name: model.checksum,
        inputs: [
          { name: model.inputs[0]!.name, datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: input.data } },
        ],
      });
      const raw = inferred.raw_output_contents[0]!;
      const values = Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
      expect(inferred.outputs[0]!.shape).toEqual(local.result.shape);
      expect(values).toEqual(local.result.data);
      await expect(call(direct, 'ModelInfer', { model_name: 'no-such-model', inputs: [] })).rejects.toMatchObject({
        code: grpc.status.NOT_FOUND,
      });
    } finally {
      direct.close();
    }

    // The realtime endpoint: hello with capabilities, then a run_inference answered with its result.
    const refused = await new Promise<number>((resolve) => {
      const anonymous = new WebSocket(peer.realtime_peer_url!);
      anonymous.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      anonymous.on('open', () => resolve(101));
      anonymous.on('error', () => undefined);
    });
    expect(refused).toBe(401);
    const socket = new WebSocket(peer.realtime_peer_url!, { headers: { authorization: `Bearer ${PEER_TOKEN}` } });
    const frames: DeviceMessage[] = [];
    socket.on('message', (data) => {
      const parsed = parseDeviceMessage(data.toString());
      if (parsed.ok) frames.push(parsed.message);
    });
    await expect.poll(() => frames.find((f) => f.type === 'hello'), { timeout: 10_000 }).toBeDefined();
    socket.send(
      JSON.stringify({
        v: PROTOCOL_VERSION,
        type: 'run_inference',
        task_id: 'task-1',
        model_checksum: model.checksum,
        inputs: { [model.inputs[0]!.name]: { type: 'float32', dims: [2, 4], data: input.data } },
      }),
    );
    await expect.poll(() => frames.find((f) => f.type === 'result'), { timeout: 10_000 }).toBeDefined();
    const result = frames.find((f) => f.type === 'result') as Extract<DeviceMessage, { type: 'result' }>;
    socket.close();
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.values(result.outputs ?? {})[0]!.data).toEqual(local.result.data);

    // Killed: requests naming it run in-process at once, and it turns unhealthy within the grace period.
    worker.kill('SIGKILL');
    const fallback = await sync({ 'x-hybrie-preferred-peer-id': peer.id });
    expect(fallback.device_id).toMatch(/^local\//);
    expect(fallback.result).toEqual(local.result);
    await expect
      .poll(async () => (await unwrap(listComputePeers(client))).peers.find((p) => p.id === peer.id)?.health.status, {
        timeout: GRACE_MS * 20,
        interval: 200,
      })
      .toBe('unhealthy');
    expect((await sync({ 'x-hybrie-preferred-peer-id': peer.id })).device_id).toMatch(/^local\//);
  });
});
