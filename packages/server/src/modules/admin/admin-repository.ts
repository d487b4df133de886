/** Tenants and API keys as the admin area reads and changes them (keys are issued by platform/auth). */
import { and, asc, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { apiKeys, tenants } from '../../platform/db/schema.js';

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function adminRepository(db: Db) {
  return {
    async listTenants(page: { limit: number; offset: number }): Promise<{ rows: TenantRow[]; total: number }> {
      const [rows, totals] = await Promise.all([
        db
          .select()
          .from(tenants)
          .orderBy(asc(tenants.createdAt), asc(tenants.id))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(tenants),
      ]);
      return { rows, total: totals[0]?.n ?? 0 };
    },
    async tenantExists(id: string): Promise<boolean> {
      const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, id));
      return tenant !== undefined;
    },
    async listApiKeys(page: {
      limit: number;
      offset: number;
      tenantId?: string;
    }): Promise<{ rows: ApiKeyRow[]; total: number }> {
      const where = page.tenantId ? eq(apiKeys.tenantId, page.tenantId) : undefined;
      const [rows, totals] = await Promise.all([
        db
          .select()
          .from(apiKeys)
          .where(where)
          .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(apiKeys).where(where),
      ]);
      return { rows, total: totals[0]?.n ?? 0 };
    },
    /** Revokes the key (once: a revoked key keeps its first revocation time); false when there is no such key. */
    async revokeApiKey(id: string, now: Date): Promise<boolean> {
      const [key] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id));
      if (!key) return false;
      await db
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
      return true;
    },
  };
}

export type AdminRepository = ReturnType<typeof adminRepository>;
