/** Contract: the admin area (tenants and API keys behind X-Admin-Key). */
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { createApiKey, createTenant, listApiKeys, listTenants, revokeApiKey } from '@computeplane/sdk/admin';
import { getModel, listModels, uploadModel } from '@computeplane/sdk/models';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, serverFor } from './harness.js';

describe.each(testDrivers)('admin contract on $name', (driver) => {
  const suite = serverFor(driver);

  it('creates a tenant, issues it a working key, lists both, and revokes the key', async () => {
    const { data: tenant } = await conform(
      'createTenant',
      createTenant(suite.server.admin, { body: { name: 'acme' } }),
    );
    expect(tenant!.id).toMatch(/^tnt_/);
    const { data: issued } = await conform(
      'createApiKey',
      createApiKey(suite.server.admin, { body: { tenant_id: tenant!.id, name: 'ci' } }),
    );
    expect(issued!.key.startsWith(issued!.prefix)).toBe(true);

    const acme = suite.server.client({ apiKey: issued!.key });
    const model = await unwrap(uploadModel(acme, { model: fixturePath('regression.onnx') }));
    await conformError(
      'getModel',
      getModel(suite.server.clientA, { params: { path: { id: model.id } } }),
      404,
      'NOT_FOUND',
    );

    const { data: tenants } = await conform(
      'listTenants',
      listTenants(suite.server.admin, { params: { query: { limit: 100 } } }),
    );
    expect(tenants!.tenants.map((t) => t.id)).toContain(tenant!.id);
    const { data: keys } = await conform(
      'listApiKeys',
      listApiKeys(suite.server.admin, { params: { query: { tenant_id: tenant!.id } } }),
    );
    expect(keys!.api_keys).toEqual([expect.objectContaining({ id: issued!.id, revoked_at: null })]);
    expect(JSON.stringify(keys)).not.toContain(issued!.key);

    const revoked = await conform(
      'revokeApiKey',
      revokeApiKey(suite.server.admin, { params: { path: { id: issued!.id } } }),
    );
    expect(revoked.response?.status).toBe(204);
    await conformError('listModels', listModels(acme), 401, 'AUTH_INVALID');
    const after = await unwrap(listApiKeys(suite.server.admin, { params: { query: { tenant_id: tenant!.id } } }));
    expect(after.api_keys[0]?.revoked_at).not.toBeNull();
  });

  it('refuses tenant keys and wrong admin keys, and 404s unknown tenants and keys', async () => {
    await conformError('listTenants', listTenants(suite.server.clientA), 401, 'AUTH_REQUIRED');
    await conformError(
      'listTenants',
      listTenants(suite.server.client({ adminKey: 'wrong-admin-key-0000' })),
      401,
      'AUTH_INVALID',
    );
    await conformError(
      'createApiKey',
      createApiKey(suite.server.admin, { body: { tenant_id: 'tnt_missing' } }),
      404,
      'NOT_FOUND',
    );
    await conformError(
      'revokeApiKey',
      revokeApiKey(suite.server.admin, { params: { path: { id: 'key_missing' } } }),
      404,
      'NOT_FOUND',
    );
    await conformError(
      'createTenant',
      createTenant(suite.server.admin, { body: { name: '' } }),
      400,
      'VALIDATION_ERROR',
    );
  });
});
