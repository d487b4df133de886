/** The admin area (openapi/admin.yaml): tenants and their API keys, behind X-Admin-Key. */
import { routes } from '../../../generated/routes/admin.js';
import { area } from '../../../platform/module.js';
import type { AdminUseCases, ApiKeyRow, TenantRow } from '../admin-use-cases.js';

const toTenant = (row: Pick<TenantRow, 'id' | 'name' | 'createdAt'>) => ({
  id: row.id,
  name: row.name,
  created_at: row.createdAt.toISOString(),
});
const toApiKey = (row: Pick<ApiKeyRow, 'id' | 'tenantId' | 'name' | 'prefix' | 'createdAt' | 'revokedAt'>) => ({
  id: row.id,
  tenant_id: row.tenantId,
  name: row.name,
  prefix: row.prefix,
  created_at: row.createdAt.toISOString(),
  revoked_at: row.revokedAt?.toISOString() ?? null,
});

export function adminArea(admin: AdminUseCases) {
  return area('admin', routes, {
    createTenant: async (c) => c.json(toTenant(await admin.createTenant(c.req.valid('json').name)), 201),
    listTenants: async (c) => {
      const { limit, offset } = c.req.valid('query');
      const { rows, total } = await admin.listTenants({ limit, offset });
      return c.json({ tenants: rows.map(toTenant), total, limit, offset }, 200);
    },
    createApiKey: async (c) => {
      const { tenant_id, name } = c.req.valid('json');
      const issued = await admin.issueKey(tenant_id, name ?? 'default');
      return c.json({ ...toApiKey({ ...issued, revokedAt: null }), revoked_at: null, key: issued.key }, 201);
    },
    listApiKeys: async (c) => {
      const { limit, offset, tenant_id } = c.req.valid('query');
      const { rows, total } = await admin.listKeys({ limit, offset, ...(tenant_id ? { tenantId: tenant_id } : {}) });
      return c.json({ api_keys: rows.map(toApiKey), total, limit, offset }, 200);
    },
    revokeApiKey: async (c) => {
      await admin.revokeKey(c.req.valid('param').id);
      return c.body(null, 204);
    },
  });
}
