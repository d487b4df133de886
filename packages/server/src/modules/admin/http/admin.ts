/** The admin area (openapi/admin.yaml): tenants and their API keys, behind X-Admin-Key. */
import { and, asc, count, desc, eq, isNull } from 'drizzle-orm';
import { issueApiKey } from '../../../platform/auth/api-keys.js';
import { createTenant } from '../../../platform/auth/tenants.js';
import { apiKeys, tenants } from '../../../platform/db/schema.js';
import { routes } from '../../../generated/routes/admin.js';
import { notFound } from '../../../platform/http/problem.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { Services } from '../../../platform/services.js';

type KeyRow = typeof apiKeys.$inferSelect;
const toApiKey = (row: KeyRow) => ({
  id: row.id,
  tenant_id: row.tenantId,
  name: row.name,
  prefix: row.prefix,
  created_at: row.createdAt.toISOString(),
  revoked_at: row.revokedAt?.toISOString() ?? null,
});

/** `onKeyRevoked` lets the server drop cached credentials so a revoked key stops working at once. */
export function adminArea(services: Services, onKeyRevoked: () => void = () => undefined): { routes: typeof routes; handlers: Handlers<typeof routes> } {
  const { db } = services.database;
  const { clock } = services;

  const handlers: Handlers<typeof routes> = {
    createTenant: async (c) => {
      const { name } = c.req.valid('json');
      const row = await createTenant(db, name, clock());
      return c.json({ id: row.id, name: row.name, created_at: row.createdAt.toISOString() }, 201);
    },
    listTenants: async (c) => {
      const { limit, offset } = c.req.valid('query');
      const [rows, totals] = await Promise.all([
        db.select().from(tenants).orderBy(asc(tenants.createdAt), asc(tenants.id)).limit(limit).offset(offset),
        db.select({ n: count() }).from(tenants),
      ]);
      return c.json(
        { tenants: rows.map((t) => ({ id: t.id, name: t.name, created_at: t.createdAt.toISOString() })), total: totals[0]?.n ?? 0, limit, offset },
        200,
      );
    },
    createApiKey: async (c) => {
      const { tenant_id, name } = c.req.valid('json');
      const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenant_id));
      if (!tenant) throw notFound('Tenant', tenant_id);
      const issued = await issueApiKey(db, tenant_id, name ?? 'default');
      return c.json(
        {
          id: issued.id,
          tenant_id: issued.tenantId,
          name: issued.name,
          prefix: issued.prefix,
          key: issued.key,
          created_at: issued.createdAt.toISOString(),
          revoked_at: null,
        },
        201,
      );
    },
    listApiKeys: async (c) => {
      const { limit, offset, tenant_id } = c.req.valid('query');
      const where = tenant_id ? eq(apiKeys.tenantId, tenant_id) : undefined;
      const [rows, totals] = await Promise.all([
        db.select().from(apiKeys).where(where).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(limit).offset(offset),
        db.select({ n: count() }).from(apiKeys).where(where),
      ]);
      return c.json({ api_keys: rows.map(toApiKey), total: totals[0]?.n ?? 0, limit, offset }, 200);
    },
    revokeApiKey: async (c) => {
      const { id } = c.req.valid('param');
      const [key] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id));
      if (!key) throw notFound('API key', id);
      await db.update(apiKeys).set({ revokedAt: clock() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
      onKeyRevoked();
      return c.body(null, 204);
    },
  };
  return { routes, handlers };
}
