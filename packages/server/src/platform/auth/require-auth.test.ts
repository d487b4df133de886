/** All four credential kinds of the seed, checked by the middleware the routes get from their spec `security`. */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { openDatabase } from '../db/open-database.js';
import type { AppEnv } from '../http/app-env.js';
import { onError } from '../http/error-handler.js';
import { issueApiKey } from './api-keys.js';
import { requireAuth } from './require-auth.js';
import { issueSdkToken } from './sdk-tokens.js';
import { createTenant } from './tenants.js';
import { createVerifiers } from './verifiers.js';

let database: Database;
let apiKey: string;
let tenantId: string;
let now = new Date('2026-11-23T00:00:00Z');

function appFor(security: Record<string, string[]>[], adminKey?: string) {
  const verifiers = createVerifiers({
    db: database.db,
    internalToken: 'internal-secret-token',
    clock: () => now,
    ...(adminKey ? { adminKey } : {}),
  });
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use('*', async (c, next) => {
    c.set('requestId', 'req_auth');
    await next();
  });
  app.get('/x', requireAuth(security, verifiers), (c) => c.json(c.get('principal')));
  return (headers: Record<string, string> = {}) => app.request('/x', { headers });
}

const codeOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

beforeAll(async () => {
  database = await openDatabase({});
  tenantId = (await createTenant(database.db, 'auth')).id;
  apiKey = (await issueApiKey(database.db, tenantId, 'test')).key;
});
afterAll(() => database.close());

describe('requireAuth', () => {
  it('accepts a tenant key as X-API-Key or Authorization: Bearer', async () => {
    const call = appFor([{ ApiKeyAuth: [] }, { BearerAuth: [] }]);
    expect(await (await call({ 'X-API-Key': apiKey })).json()).toMatchObject({ kind: 'tenant', tenantId });
    expect(await (await call({ Authorization: `Bearer ${apiKey}` })).json()).toMatchObject({
      kind: 'tenant',
      tenantId,
    });
    const missing = await call();
    expect(missing.status).toBe(401);
    expect(await codeOf(missing)).toMatchObject({
      code: 'AUTH_REQUIRED',
      message: expect.stringContaining('X-API-Key'),
    });
    expect(await codeOf(await call({ 'X-API-Key': 'cp_live_nope_nope' }))).toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('checks X-Admin-Key against ADMIN_KEY, and says when the admin API is off', async () => {
    const call = appFor([{ AdminKeyAuth: [] }], 'the-admin-key-0123456789');
    expect(await (await call({ 'X-Admin-Key': 'the-admin-key-0123456789' })).json()).toEqual({ kind: 'admin' });
    expect(await codeOf(await call({ 'X-Admin-Key': 'the-admin-key-012345678' }))).toMatchObject({
      code: 'AUTH_INVALID',
    });
    expect(await codeOf(await call({ 'X-API-Key': apiKey }))).toMatchObject({ code: 'AUTH_REQUIRED' });
    const off = appFor([{ AdminKeyAuth: [] }]);
    expect(await codeOf(await off({ 'X-Admin-Key': 'anything-at-all' }))).toMatchObject({
      code: 'AUTH_INVALID',
      message: expect.stringContaining('ADMIN_KEY'),
    });
  });

  it('checks X-Internal-Token against the generated token', async () => {
    const call = appFor([{ InternalTokenAuth: [] }]);
    expect(await (await call({ 'X-Internal-Token': 'internal-secret-token' })).json()).toEqual({ kind: 'internal' });
    expect((await call({ 'X-Internal-Token': 'internal-secret-tokem' })).status).toBe(401);
  });

  it('accepts unexpired, unrevoked X-SDK-Token device tokens', async () => {
    const call = appFor([{ SdkTokenAuth: [] }]);
    const token = await issueSdkToken(database.db, tenantId, 'dev_1', new Date(now.getTime() + 60_000));
    expect(await (await call({ 'X-SDK-Token': token })).json()).toEqual({
      kind: 'device',
      tenantId,
      deviceId: 'dev_1',
    });
    now = new Date(now.getTime() + 120_000);
    expect(await codeOf(await call({ 'X-SDK-Token': token }))).toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('lets anyone through an operation with no security, as anonymous', async () => {
    expect(await (await appFor([])()).json()).toEqual({ kind: 'anonymous' });
  });
});
