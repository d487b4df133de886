/**
 * The server the fuzz suite talks to: the real app on PGlite (FUZZ_DRIVER=postgres for PostgreSQL), the
 * remote GPU providers served by the fakes in test/fakes (nothing leaves the machine) and this machine as
 * the local provider, plus a few real resources of tenant A (a model, jobs, a session and a pod on a fake provider, a lab,
 * a spare tenant and key) whose ids the generators mix into requests so that operations get past "not
 * found" as well.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { BUSYBOX, instancesAvailable, instancesDataDir } from '@computeplane/test-support/instances';
import { ADMIN_KEY, INTERNAL_TOKEN, startTestServer, type TestServer } from '@computeplane/test-support/test-server';
import { DEFAULT_PROVIDER_BASE_URLS } from '../../packages/server/src/platform/settings.js';
import { createLambdaProvider } from '../../packages/server/src/providers/lambda/lambda-provider.js';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { createRunPodProvider } from '../../packages/server/src/providers/runpod/runpod-provider.js';
import { createTensorDockProvider } from '../../packages/server/src/providers/tensordock/tensordock-provider.js';
import { createVastAiProvider } from '../../packages/server/src/providers/vastai/vastai-provider.js';
import { fakeProviderHttp } from '../fakes/fake-provider-http.js';
import { createFakeLambda } from '../fakes/lambda-api.js';
import { createFakeRunPod } from '../fakes/runpod-api.js';
import { createFakeTensorDock } from '../fakes/tensordock-api.js';
import { createFakeVastAi } from '../fakes/vastai-api.js';
import { send, type FuzzRequest } from './send.js';

/** A real resource: its id, the parameter/property names that may carry it, and whether tenant A owns it. */
export interface KnownValue {
  value: string;
  names: string[];
  owned: boolean;
  /** A name one resource holds alone (a lab's slug): a create step that reused it could only conflict. */
  unique?: boolean;
}

export interface FuzzServer {
  server: TestServer;
  known: KnownValue[];
  /** An API key of tenant A, revoked. */
  revokedKey: string;
  /** The X-SDK-Token of a device of tenant A. */
  sdkToken: string;
  close(): Promise<void>;
}

export async function startFuzzServer(): Promise<FuzzServer> {
  const driver = testDrivers.find((d) => d.name === (process.env.FUZZ_DRIVER ?? 'pglite'))!;
  const db: TestDatabase = await driver.create();
  const root = await mkdtemp(join(tmpdir(), 'cp-fuzz-instances-'));
  const remote = <T>(
    name: keyof typeof DEFAULT_PROVIDER_BASE_URLS,
    fake: { fetch: typeof fetch },
    make: (h: never) => T,
  ) =>
    make(
      fakeProviderHttp(name, fake, {
        baseUrl: DEFAULT_PROVIDER_BASE_URLS[name],
        apiKey: `${name}-test-key`,
        retries: 0,
      }).http as never,
    );
  const local = createLocalProvider({ root, pricePerHour: 0.5 });
  const instances = instancesAvailable ? instancesDataDir() : undefined;
  const server = await startTestServer(db.database, {
    providers: [
      local,
      remote('vastai', createFakeVastAi('vastai-test-key'), createVastAiProvider),
      remote('lambda', createFakeLambda(), createLambdaProvider),
      remote('tensordock', createFakeTensorDock(), createTensorDockProvider),
      remote('runpod', createFakeRunPod(), createRunPodProvider),
    ],
    settings: {
      sessions: { tickMs: 500, reconcileMs: 60_000, keyGraceMinutes: 15 },
      // Workers launch on the fakes (whose SSH answers nobody: their jobs stay in waiting_for_ssh); the seeded
      // peer stays healthy for the whole run (its realtime endpoint serves nothing: staging jobs fail).
      compute: { serverUrl: 'http://127.0.0.1:9', peerGraceMs: 3_600_000 },
    },
    // The instances area runs real containers where it can: the busybox image of its examples is pulled below.
    ...(instances ? { dataDir: instances.dir } : {}),
  });
  if (instances) await pullBusybox(server);
  const { known, revokedKey, sdkToken } = await seed(server);
  return {
    server,
    known,
    revokedKey,
    sdkToken,
    async close() {
      await server.close();
      await db.dispose();
      await rm(root, { recursive: true, force: true });
      instances?.remove();
    },
  };
}

/** Tenant A's `oci:busybox:latest` (the spec's example image), ready before the fuzz starts. */
async function pullBusybox(server: TestServer) {
  await server.app.instancesReady();
  const headers = { 'X-API-Key': server.keyA };
  const body = { kind: 'raw' as const, contentType: 'application/json', text: JSON.stringify({ name: BUSYBOX }) };
  await send(server.baseUrl, { method: 'post', path: '/images', pathValues: {}, query: [], headers, body });
  const path = '/images/{name}';
  for (let i = 0; i < 300; i++) {
    const pathValues = { name: encodeURIComponent(BUSYBOX) };
    const image = await send(server.baseUrl, {
      method: 'get',
      path,
      pathValues,
      query: [],
      headers,
      body: { kind: 'none' },
    });
    if ((image.body as { status?: string }).status === 'ready') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('fuzz seed: the busybox image did not become ready');
}

async function seed(server: TestServer): Promise<{ known: KnownValue[]; revokedKey: string; sdkToken: string }> {
  const call = async (request: Partial<FuzzRequest> & Pick<FuzzRequest, 'method' | 'path'>) => {
    const response = await send(server.baseUrl, {
      pathValues: {},
      query: [],
      headers: {},
      body: { kind: 'none' },
      ...request,
    });
    if (response.status >= 300)
      throw new Error(`fuzz seed ${request.method} ${request.path}: ${response.status} ${response.text}`);
    return response.body as Record<string, unknown>;
  };
  const asA = { 'X-API-Key': server.keyA };
  const json = (value: unknown) => ({
    kind: 'raw' as const,
    contentType: 'application/json',
    text: JSON.stringify(value),
  });
  const model = await call({
    method: 'post',
    path: '/api/v1/models',
    headers: asA,
    body: { kind: 'multipart', fields: { name: 'fuzz-mlp' }, files: { model: 'tiny-mlp.onnx' }, encoding: {} },
  });
  const dataset = await call({
    method: 'post',
    path: '/api/v1/datasets',
    headers: asA,
    body: { kind: 'multipart', fields: {}, files: { file: '../datasets/iris-small.csv' }, encoding: {} },
  });
  const input = { data: [5.1, 3.5, 1.4, 0.2], shape: [1, 4] };
  const job = await call({
    method: 'post',
    path: '/api/v1/inference',
    query: [['async', 'true']],
    headers: asA,
    body: json({ model_id: model.id, input }),
  });
  const batch = await call({
    method: 'post',
    path: '/api/v1/inference/batch',
    headers: asA,
    body: json({ model_id: model.id, inputs: [input, input] }),
  });
  let offers: { id: string; provider: string }[] = [];
  // The inventory is refreshed in the background at start: wait until the fakes' offers are in it.
  for (let tries = 0; !offers.some((offer) => offer.provider === 'vastai'); tries++) {
    if (tries > 200) throw new Error(`fuzz seed: no Vast.ai offers in ${JSON.stringify(offers)}`);
    if (tries) await new Promise((resolve) => setTimeout(resolve, 50));
    const listed = await call({ method: 'get', path: '/api/v1/inventory', query: [['limit', '1000']], headers: asA });
    offers = listed.offers as typeof offers;
  }
  const templates = (await call({ method: 'get', path: '/api/v1/templates', headers: asA })).templates as {
    hash_id: string;
  }[];
  const remoteOffer = offers.find((offer) => offer.provider === 'vastai')!;
  const session = await call({
    method: 'post',
    path: '/api/v1/sessions',
    headers: asA,
    body: json({ consumer_id: 'fuzz', offer_id: remoteOffer.id, workload_type: 'batch', reservation_hours: 1 }),
  });
  const peer = await call({
    method: 'post',
    path: '/v1/compute/peers',
    headers: asA,
    body: json({ name: 'fuzz-peer', realtime_peer_url: 'ws://127.0.0.1:9/realtime', probe: false }),
  });
  const device = await call({
    method: 'post',
    path: '/api/v1/devices/register',
    headers: asA,
    body: json({
      name: 'fuzz-device',
      capabilities: {
        platform: 'linux',
        sdk_type: 'nodejs',
        sdk_version: '20.19.0',
        cpu_cores: 1,
        memory_bytes: 1024,
        execution_providers: ['cpu'],
      },
    }),
  });
  const lab = (
    await call({ method: 'post', path: '/api/v1/labs', headers: asA, body: json({ name: 'Fuzz', slug: 'fuzz-lab' }) })
  ).data as { id: string; slug: string };
  // A pod on the RunPod fake, as sessions are: a real local container per fuzz example would be too many.
  const pod = (
    await call({
      method: 'post',
      path: '/api/v1/pods',
      headers: asA,
      body: json({ labId: lab.id, gpuType: 'A100', provider: 'runpod' }),
    })
  ).data as { id: string };
  const admin = { 'X-Admin-Key': ADMIN_KEY };
  const tenant = await call({
    method: 'post',
    path: '/api/v1/admin/tenants',
    headers: admin,
    body: json({ name: 'fuzz-spare' }),
  });
  const key = await call({
    method: 'post',
    path: '/api/v1/admin/api-keys',
    headers: admin,
    body: json({ tenant_id: tenant.id, name: 'spare' }),
  });
  const revoked = await call({
    method: 'post',
    path: '/api/v1/admin/api-keys',
    headers: admin,
    body: json({ tenant_id: tenant.id }),
  });
  await call({
    method: 'delete',
    path: '/api/v1/admin/api-keys/{id}',
    pathValues: { id: revoked.id as string },
    headers: admin,
  });
  const known = [
    { value: model.id as string, names: ['id', 'model_id', 'repo_id'], owned: true },
    {
      value: peer.id as string,
      names: ['id', 'peer_id', 'x-hybrie-preferred-peer-id', 'x-computeplane-preferred-peer-id'],
      owned: true,
    },
    { value: dataset.id as string, names: ['id', 'dataset_id'], owned: true },
    { value: model.checksum as string, names: ['checksum'], owned: true },
    { value: device.device_id as string, names: ['id'], owned: true },
    { value: job.job_id as string, names: ['jobId'], owned: true },
    { value: batch.job_id as string, names: ['jobId'], owned: true },
    { value: (session.session as { id: string }).id, names: ['id', 'session_id'], owned: true },
    { value: 'fuzz', names: ['consumer_id'], owned: false },
    { value: lab.id, names: ['labId'], owned: true },
    // Slugs name labs within a tenant: another tenant may have its own lab of the same slug.
    { value: lab.slug, names: ['slug'], owned: false, unique: true },
    { value: pod.id, names: ['id', 'podId'], owned: true },
    { value: 'A100', names: ['gpuType'], owned: false },
    { value: tenant.id as string, names: ['tenant_id'], owned: false },
    { value: key.id as string, names: ['id'], owned: false },
    { value: 'models.yaml', names: ['file'], owned: false },
    // Sessions are rented on the fakes only: a real local instance per fuzz example would be too many.
    ...offers.map((offer) => ({
      value: offer.id,
      names: offer.provider === 'local' ? ['id'] : ['id', 'offer_id'],
      owned: false,
    })),
    ...templates.map((t) => ({ value: t.hash_id, names: ['hash_id', 'template_hash_id'], owned: false })),
  ];
  return { known, revokedKey: revoked.key as string, sdkToken: device.sdk_token as string };
}

export { ADMIN_KEY, INTERNAL_TOKEN };
