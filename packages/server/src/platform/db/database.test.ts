/**
 * The shared integration suite: the same tests on every driver (PGlite and the machine's PostgreSQL),
 * through the same Database interface the server uses. Migrations, persistence, repositories, API
 * and idempotency-key claims under concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { issueApiKey, verifyApiKey } from '../auth/api-keys.js';
import { createTenant } from '../auth/tenants.js';
import type { AppEnv } from '../http/app-env.js';
import { onError } from '../http/error-handler.js';
import { idempotency, purgeExpiredIdempotencyKeys } from '../http/idempotency.js';
import type { Database } from './database.js';
import { apiKeys, tenants } from './schema.js';

describe.each(testDrivers)('database on $name', (driver) => {
  let handle: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    handle = await driver.create();
    database = handle.database;
  });
  afterAll(() => handle?.dispose());

  it('answers pings and reports its driver', async () => {
    expect(database.driver).toBe(driver.name);
    expect(await database.ping()).toBeGreaterThanOrEqual(0);
  });

  it('keeps data when reopened, and applying migrations again is harmless', async () => {
    const tenant = await createTenant(database.db, 'persisted');
    database = await handle.reopen();
    const rows = await database.db.select().from(tenants);
    expect(rows.map((row) => row.id)).toContain(tenant.id);
  });

  it('stores API keys hashed, verifies them, and stops accepting revoked ones', async () => {
    const tenant = await createTenant(database.db, 'keys');
    const issued = await issueApiKey(database.db, tenant.id, 'ci');
    const [row] = await database.db
      .select()
      .from(apiKeys)
      .where((await import('drizzle-orm')).eq(apiKeys.id, issued.id));
    expect(JSON.stringify(row)).not.toContain(issued.key);
    expect(await verifyApiKey(database.db, issued.key)).toEqual({ id: issued.id, tenantId: tenant.id });
    expect(await verifyApiKey(database.db, `${issued.key}x`)).toBeUndefined();
    await database.db.update(apiKeys).set({ revokedAt: new Date() });
    expect(await verifyApiKey(database.db, issued.key)).toBeUndefined();
  });

  it('lets exactly one of two concurrent requests with one Idempotency-Key do the work', async () => {
    let runs = 0;
    let now = new Date('2026-11-23T00:00:00Z');
    const app = new Hono<AppEnv>();
    app.onError(onError);
    app.use('*', async (c, next) => {
      c.set('requestId', 'req_test');
      c.set('principal', { kind: 'tenant', tenantId: 'tnt_x', keyId: 'key_x' });
      await next();
    });
    app.use(
      '*',
      idempotency(database.db, () => now),
    );
    app.post('/work', async (c) => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return c.json({ run: runs }, 201);
    });
    const post = (body: string, key = 'same-key') =>
      app.request('/work', {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': key, 'Content-Type': 'application/json' },
      });
    const [one, two] = await Promise.all([post('{"a":1}'), post('{"a":1}')]);
    expect([one.status, two.status].sort()).toEqual([201, 409]);
    const busy = one.status === 409 ? one : two;
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    const replay = await post('{"a":1}');
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual({ run: 1 });
    expect(runs).toBe(1);
    expect((await post('{"a":2}')).status).toBe(409);

    // After 24 hours the key is free again, and purging removes expired keys.
    now = new Date(now.getTime() + 25 * 60 * 60 * 1000);
    expect(await purgeExpiredIdempotencyKeys(database.db, now)).toBeGreaterThanOrEqual(1);
    expect((await post('{"a":2}')).status).toBe(201);
    expect(runs).toBe(2);
  });
});

describe('PostgreSQL specifics', () => {
  it('lets several replicas start at once on an empty database (migrations under an advisory lock)', async () => {
    const { createPostgresDatabase } = await import('@computeplane/test-support/databases');
    const { openDatabase } = await import('./open-database.js');
    const { url, drop } = await createPostgresDatabase();
    try {
      const replicas = await Promise.all([0, 1, 2].map(() => openDatabase({ url, maxConnections: 2 })));
      for (const replica of replicas) expect(await replica.ping()).toBeGreaterThanOrEqual(0);
      await Promise.all(replicas.map((replica) => replica.close()));
    } finally {
      await drop();
    }
  });
});
