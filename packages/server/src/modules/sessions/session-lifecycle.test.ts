/**
 * The session lifecycle on a fake clock, on every database driver: local instances with real SSH, and
 * Vast.ai through its adapter and a fake of its API. Expiry, the 12-hour hard maximum, idle shutdown
 * from measured activity, the never-collected key, orphans and ghosts, failed destroys and their retry,
 * a crash between the provider call and the database update, auto-retry, and shutdown.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { fakeProviderHttp } from '../../../../../test/fakes/fake-provider-http.js';
import { createFakeVastAi, type FakeVastAi } from '../../../../../test/fakes/vastai-api.js';
import { sshExec } from '@computeplane/test-support/ssh-exec';
import { createTenant } from '../../platform/auth/tenants.js';
import { createInventory } from '../marketplace/module.js';
import { createLocalProvider } from '../../providers/local/local-provider.js';
import { createVastAiProvider } from '../../providers/vastai/vastai-provider.js';
import { DEFAULT_BROKER_SETTINGS, type BrokerContext } from './broker-context.js';
import { createSessionBroker, type SessionBroker } from './session-broker.js';
import { createSessionMetrics } from './session-metrics.js';
import type { StoredRequest } from './session-request.js';
import { sessionRepository } from './session-repository.js';

const MINUTE = 60_000;
const request = (overrides: Partial<StoredRequest> = {}): StoredRequest => ({
  workload_type: 'batch',
  storage_policy: 'destroy',
  launch_mode: 'ssh',
  disk_gb: 50,
  auto_retry: false,
  max_retries: 3,
  retry_scope: 'same_gpu',
  ssh_timeout_minutes: 10,
  resolved: { image: null, env: {}, onStart: null, templateProvider: null },
  ...overrides,
});

describe.each(testDrivers)('session lifecycle on $name', (driver) => {
  let handle: TestDatabase;
  let now: Date;
  let vast: FakeVastAi;
  let ctx: BrokerContext;
  let broker: SessionBroker;
  let registry: Registry;
  let tenantId: string;
  let local: ReturnType<typeof createLocalProvider>;
  let consumer = 0;
  const clock = () => now;
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  const metric = async (name: string) =>
    (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);

  beforeAll(async () => {
    handle = await driver.create();
    tenantId = (await createTenant(handle.database.db, 'lifecycle')).id;
  });
  afterAll(async () => {
    await local?.close();
    await handle?.dispose();
  });
  beforeEach(async () => {
    now = new Date('2026-11-23T10:00:00Z');
    vast = createFakeVastAi();
    registry = new Registry();
    local?.close();
    local = createLocalProvider({
      root: join(tmpdir(), `cp-lifecycle-${driver.name}`),
      pricePerHour: 0.2,
      clock,
      nodeId: 'test',
    });
    const vastai = createVastAiProvider(
      fakeProviderHttp('vastai', vast, { baseUrl: 'https://console.vast.ai', apiKey: 'vast-test-key', retries: 0 })
        .http,
    );
    const providers = [local, vastai];
    const inventory = createInventory({ providers, clock, refreshMs: 3_600_000 });
    await inventory.refresh();
    const repo = sessionRepository(handle.database.db);
    ctx = {
      repo,
      providers: new Map(providers.map((p) => [p.name, p])),
      inventory,
      clock,
      logger: pino({ level: 'silent' }),
      metrics: createSessionMetrics(registry, repo.activeCounts),
      settings: { ...DEFAULT_BROKER_SETTINGS, tickMs: 3_600_000, reconcileMs: 3_600_000 },
      labelPrefix: 'cp-test-',
    };
    broker = createSessionBroker(ctx);
  });

  /** Creates a session on an offer of the inventory; returns the outcome of the provider call. */
  async function create(
    offerId: string,
    options: { hours?: number; idle?: number; request?: Partial<StoredRequest> } = {},
  ) {
    const found = ctx.inventory.find(offerId);
    if (!found || 'stale' in found) throw new Error(`no offer ${offerId}`);
    const { offer } = found;
    const outcome = await broker.create({
      tenantId,
      consumerId: `consumer-${++consumer}`,
      offer: {
        id: offer.id,
        provider: offer.provider,
        providerId: offer.providerId,
        gpuType: offer.gpuType,
        gpuCount: offer.gpuCount,
        vramGb: offer.vramGb,
        pricePerHour: offer.pricePerHour,
      },
      reservationHours: options.hours ?? 2,
      idleThresholdMinutes: options.idle ?? 0,
      request: request(options.request),
    });
    if (outcome === 'conflict') throw new Error('conflict');
    await broker.settled();
    return outcome;
  }
  const localOfferId = () => ctx.inventory.search({ provider: 'local' }, { limit: 1, offset: 0 }).offers[0]!.id;
  const row = async (id: string) => (await ctx.repo.byId(id))!;
  async function runningLocal(options: Parameters<typeof create>[1] = {}) {
    const outcome = await create(localOfferId(), options);
    await broker.tick();
    const session = await row(outcome.row.id);
    expect(session.status).toBe('running');
    return { session, privateKey: outcome.privateKey };
  }

  it('ends a session at its reservation expiry and bills exactly its lifetime', async () => {
    const { session } = await runningLocal({ hours: 1 });
    await ctx.repo.markKeyCollected(session.id, now);
    advance(59 * MINUTE);
    await broker.tick();
    expect((await row(session.id)).status).toBe('running');
    advance(MINUTE);
    await broker.tick();
    const ended = await row(session.id);
    expect(ended).toMatchObject({
      status: 'stopped',
      stopReason: 'reservation_expired',
      stoppedAt: now,
      billingEndedAt: now,
    });
    expect(await local.getInstance(session.instanceId!)).toBeUndefined();
    expect(ended.billingEndedAt!.getTime() - ended.billingStartedAt!.getTime()).toBe(60 * MINUTE);
  });

  it('enforces the 12-hour hard maximum even on a 12-hour reservation', async () => {
    const { session } = await runningLocal({ hours: 12 });
    await ctx.repo.markKeyCollected(session.id, now);
    expect(await broker.extend(session, 1)).toBe('hard_limit');
    advance(12 * 60 * MINUTE);
    await broker.tick();
    expect(await row(session.id)).toMatchObject({ status: 'stopped', stopReason: 'hard_limit' });
  });

  it('shuts an idle session down from the activity measured on its instance', async () => {
    const { session, privateKey } = await runningLocal({ idle: 30 });
    advance(20 * MINUTE);
    await sshExec('127.0.0.1', session.sshPort!, session.sshUser!, privateKey, 'true');
    await broker.tick();
    expect(await row(session.id)).toMatchObject({ status: 'running', lastActivityAt: now });
    advance(25 * MINUTE);
    await broker.tick();
    expect((await row(session.id)).status).toBe('running');
    advance(5 * MINUTE);
    await broker.tick();
    expect(await row(session.id)).toMatchObject({ status: 'stopped', stopReason: 'idle' });
  });

  it('destroys a session whose one-time key was never collected', async () => {
    const { session } = await runningLocal();
    advance(14 * MINUTE);
    await broker.tick();
    expect((await row(session.id)).status).toBe('running');
    advance(MINUTE);
    await broker.tick();
    expect(await row(session.id)).toMatchObject({ status: 'stopped', stopReason: 'key_not_collected' });
  });

  it('destroys orphans labelled by this deployment only, and marks ghosts failed', async () => {
    const orphan = vast.addForeign('cp-test-sess-nobody1');
    const otherDeployment = vast.addForeign('cp-other-sess-abc');
    const unlabelled = vast.addForeign(null);
    const ghost = await create('vastai-1001');
    advance(2 * MINUTE);
    vast.vanish(Number(ghost.row.instanceId));
    expect(await broker.reconcile()).toEqual({ orphans: 1, ghosts: 1 });
    expect(vast.instances.has(orphan)).toBe(false);
    expect(vast.instances.has(otherDeployment) && vast.instances.has(unlabelled)).toBe(true);
    expect(await row(ghost.row.id)).toMatchObject({
      status: 'failed',
      failureReason: 'the instance no longer exists at the provider',
      billingEndedAt: now,
    });
    expect(await metric('gpu_orphans_detected_total')).toBe(1);
    expect(await metric('gpu_ghosts_detected_total')).toBe(1);
  });

  it('keeps retrying a failed destroy until the provider confirms, billing until then', async () => {
    const session = await create('vastai-1001');
    vast.failNext(2, 500, { match: `/instances/${session.row.instanceId}/` });
    const first = await broker.destroy(session.row);
    expect(first).toMatchObject({ status: 'stopping', destroyAttempts: 1 });
    advance(4 * 1000);
    await broker.tick();
    expect((await row(session.row.id)).destroyAttempts).toBe(1);
    advance(1000);
    await broker.tick();
    expect((await row(session.row.id)).destroyAttempts).toBe(2);
    advance(10_000);
    await broker.tick();
    const ended = await row(session.row.id);
    expect(ended).toMatchObject({ status: 'stopped', stopReason: 'destroyed', billingEndedAt: now });
    expect(vast.instances.has(Number(session.row.instanceId))).toBe(false);
    expect(await metric('gpu_destroy_failures_total')).toBe(2);
  });

  it('recovers from a crash between the provider call and the database update', async () => {
    const id = 'sess-crashed01';
    const base = {
      tenantId,
      consumerId: 'crash',
      offerId: 'vastai-1001',
      provider: 'vastai',
      providerOfferId: '1001',
      gpuType: 'RTX 4090',
      gpuCount: 1,
      vramGb: 24,
      pricePerHour: 0.45,
    };
    const times = {
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + 120 * MINUTE),
      hardExpiresAt: new Date(now.getTime() + 720 * MINUTE),
      nextCheckAt: now,
    };
    await ctx.repo.insert({
      ...base,
      ...times,
      id,
      status: 'pending',
      label: `cp-test-${id}`,
      request: request() as never,
      reservationHours: 2,
      sshPublicKey: 'ssh-ed25519 AAAA',
    });
    // The process died here: the provider created the instance, the answer never reached the database.
    const { instanceId } = await ctx.providers.get('vastai')!.createInstance({
      providerOfferId: '1001',
      image: 'x',
      label: `cp-test-${id}`,
      diskGb: 50,
      env: {},
      onStartCmd: null,
      sshPublicKey: 'ssh-ed25519 AAAA',
    });
    await ctx.repo.insert({
      ...base,
      ...times,
      id: 'sess-crashed02',
      consumerId: 'crash-2',
      status: 'pending',
      label: 'cp-test-sess-crashed02',
      request: request() as never,
      reservationHours: 2,
      sshPublicKey: 'ssh-ed25519 AAAA',
    });
    expect(await broker.reconcile()).toEqual({ orphans: 0, ghosts: 0 });
    await broker.tick();
    expect((await row(id)).status).toBe('pending');
    advance(3 * MINUTE);
    await broker.tick();
    expect(await row(id)).toMatchObject({ status: 'provisioning', instanceId });
    expect(await row('sess-crashed02')).toMatchObject({
      status: 'failed',
      failureReason: 'provisioning was interrupted before the provider created an instance',
    });
  });

  it('fails a provision whose SSH never answers, and with auto_retry moves the session to another offer', async () => {
    const plain = await create('vastai-1001', { request: { ssh_timeout_minutes: 1 } });
    const instance = Number(plain.row.instanceId);
    vast.boot(instance);
    Object.assign(vast.instances.get(instance)!, { ssh_host: '127.0.0.1', ssh_port: 1 });
    await broker.tick();
    expect((await row(plain.row.id)).status).toBe('provisioning');
    advance(MINUTE);
    await broker.tick();
    expect(await row(plain.row.id)).toMatchObject({
      status: 'failed',
      failureReason: 'SSH did not answer within ssh_timeout_minutes (1)',
    });
    expect(vast.instances.has(instance)).toBe(false);
    expect(await metric('gpu_ssh_verify_failures_total')).toBeGreaterThanOrEqual(1);

    vast.offers.splice(
      vast.offers.findIndex((o) => o.id === 1002),
      1,
    );
    const retried = await create('vastai-1002', { request: { auto_retry: true, retry_scope: 'any' } });
    expect(retried.kind).toBe('provisioning');
    expect(retried.row).toMatchObject({
      provider: 'local',
      retryCount: 1,
      triedOffers: ['vastai-1002'],
      failureReason: expect.stringMatching(/no longer available/),
    });
    await broker.tick();
    expect((await row(retried.row.id)).status).toBe('running');
  });

  it('lets two replicas share the work: each due session is handled by exactly one of them', async () => {
    // On PostgreSQL the replica has its own connection pool; PGlite has one connection per process.
    const replicaDb = driver.name === 'postgres' ? (await handle.reopen()).db : handle.database.db;
    const replica = createSessionBroker({ ...ctx, repo: sessionRepository(replicaDb) });
    const sessions = [];
    for (let i = 0; i < 8; i++) sessions.push((await create('vastai-1001')).row);
    for (const session of sessions)
      await ctx.repo.transition(
        session.id,
        ['provisioning'],
        { status: 'stopping', endStatus: 'stopped', stopReason: 'done', nextCheckAt: now },
        now,
      );
    vast.requests.length = 0;
    await Promise.all([broker.tick(), replica.tick(), broker.tick(), replica.tick()]);
    const deletes = vast.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes.sort()).toEqual(sessions.map((s) => `/api/v0/instances/${s.instanceId}/`).sort());
    for (const session of sessions) expect((await row(session.id)).status).toBe('stopped');
  });

  it('ends sessions on this process’s local instances at shutdown, and nothing else', async () => {
    const { session } = await runningLocal();
    const remote = await create('vastai-1001');
    await broker.stop();
    expect(await row(session.id)).toMatchObject({ status: 'stopped', stopReason: 'server_shutdown' });
    expect((await row(remote.row.id)).status).toBe('provisioning');
    expect(await metric('gpu_sessions_active')).toBeGreaterThanOrEqual(1);
  });
});
