/**
 * Contract: who may use the local provider. By default every tenant on PGlite (the embedded default) and
 * none on PostgreSQL (DATABASE_URL); `LOCAL_PROVIDER_TENANTS` lists the tenants (by id or name) that may.
 * A tenant not allowed sees no local offers or templates, gets 404 for them, and 403 when it tries to
 * create a session on a local offer; detailed health says who may use it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Computeplane } from '@computeplane/sdk';
import { getDetailedHealth } from '@computeplane/sdk/health';
import { getOffer, listOffers } from '@computeplane/sdk/offers';
import { createSession } from '@computeplane/sdk/sessions';
import { getTemplate, listTemplates } from '@computeplane/sdk/templates';
import { testDrivers } from '@computeplane/test-support/databases';
import { createLocalProvider } from '../../packages/server/src/providers/local/local-provider.js';
import { LOCAL_TEMPLATES } from '../../packages/server/src/providers/local/local-templates.js';
import { conform, conformError, serverFor } from './harness.js';

const [pglite, postgres] = testDrivers;
const root = await mkdtemp(join(tmpdir(), 'cp-local-gate-'));
const local = () => createLocalProvider({ root, unavailableReason: null });
const localOfferId = async () => `local-${(await local().listOffers())[0]!.providerId}`;
const localTemplate = LOCAL_TEMPLATES[0]!.hashId;

async function seesLocal(client: Computeplane) {
  const { data } = await conform('listOffers', listOffers(client, { params: { query: { provider: 'local' } } }));
  const { data: templates } = await conform('listTemplates', listTemplates(client));
  const localTemplates = templates!.templates.filter((template) => template.provider === 'local');
  expect(localTemplates.length > 0, 'local templates listed as local offers are').toBe(data!.offers.length > 0);
  return data!.offers.length > 0;
}

async function refused(client: Computeplane) {
  const offerId = await localOfferId();
  await conformError('getOffer', getOffer(client, { params: { path: { id: offerId } } }), 404, 'NOT_FOUND');
  await conformError(
    'getTemplate',
    getTemplate(client, { params: { path: { hash_id: localTemplate } } }),
    404,
    'NOT_FOUND',
  );
  const body = { consumer_id: 'gate', offer_id: offerId, workload_type: 'batch' as const, reservation_hours: 1 };
  const error = await conformError('createSession', createSession(client, { body }), 403, 'FORBIDDEN');
  expect(error.message).toMatch(/may not use the local provider.*LOCAL_PROVIDER_TENANTS/);
}

describe('local provider gate on PostgreSQL, by default', () => {
  const suite = serverFor(postgres!, {
    providers: [local()],
    settings: { marketplace: { localProviderTenants: undefined } },
  });
  it('is closed to every tenant', async () => {
    expect(await seesLocal(suite.server.clientA)).toBe(false);
    expect(await seesLocal(suite.server.clientB)).toBe(false);
    await refused(suite.server.clientA);
    const { data } = await conform('getDetailedHealth', getDetailedHealth(suite.server.anonymous));
    expect(data!.services.local_provider).toEqual({ status: 'healthy', available: true, tenants: 'none' });
  });
});

describe('local provider gate on PostgreSQL, with LOCAL_PROVIDER_TENANTS=alpha', () => {
  const suite = serverFor(postgres!, {
    providers: [local()],
    settings: { marketplace: { localProviderTenants: ['alpha'] } },
  });
  it('is open to the listed tenant (by name) only', async () => {
    expect(await seesLocal(suite.server.clientA)).toBe(true);
    expect(await seesLocal(suite.server.clientB)).toBe(false);
    await refused(suite.server.clientB);
    const { data } = await conform(
      'getOffer',
      getOffer(suite.server.clientA, { params: { path: { id: await localOfferId() } } }),
    );
    expect(data!.provider).toBe('local');
    const health = await conform('getDetailedHealth', getDetailedHealth(suite.server.anonymous));
    expect(health.data!.services.local_provider).toMatchObject({ tenants: 'listed' });
  });
});

describe('local provider gate on PGlite, by default', () => {
  const suite = serverFor(pglite!, {
    providers: [local()],
    settings: { marketplace: { localProviderTenants: undefined } },
  });
  it('is open to every tenant', async () => {
    expect(await seesLocal(suite.server.clientA)).toBe(true);
    expect(await seesLocal(suite.server.clientB)).toBe(true);
    const { data } = await conform('getDetailedHealth', getDetailedHealth(suite.server.anonymous));
    expect(data!.services.local_provider).toMatchObject({ tenants: 'all' });
  });
});
