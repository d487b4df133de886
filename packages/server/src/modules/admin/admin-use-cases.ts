/** The admin use-cases: create and list tenants, issue, list and revoke their API keys. */
import { issueApiKey } from '../../platform/auth/api-keys.js';
import { createTenant } from '../../platform/auth/tenants.js';
import type { Db } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/problem.js';
import type { AdminRepository } from './admin-repository.js';

export type { ApiKeyRow, TenantRow } from './admin-repository.js';

/** `onKeyRevoked` lets the server drop cached credentials so a revoked key stops working at once. */
export function adminUseCases(deps: {
  db: Db;
  repository: AdminRepository;
  clock: () => Date;
  onKeyRevoked: () => void;
}) {
  const { db, repository, clock } = deps;
  return {
    createTenant: (name: string) => createTenant(db, name, clock()),
    listTenants: (page: { limit: number; offset: number }) => repository.listTenants(page),
    async issueKey(tenantId: string, name: string) {
      if (!(await repository.tenantExists(tenantId))) throw notFound('Tenant', tenantId);
      return issueApiKey(db, tenantId, name);
    },
    listKeys: (page: { limit: number; offset: number; tenantId?: string }) => repository.listApiKeys(page),
    async revokeKey(id: string) {
      if (!(await repository.revokeApiKey(id, clock()))) throw notFound('API key', id);
      deps.onKeyRevoked();
    },
  };
}

export type AdminUseCases = ReturnType<typeof adminUseCases>;
