/**
 * Which tenants may use the local provider (`LOCAL_PROVIDER_TENANTS`): every tenant (`*`), or those
 * listed by id or by name. A principal without a tenant (the admin key, the internal token) sees
 * everything; a tenant not allowed sees no local offers or templates and cannot create a session on one.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { tenants } from '../db/schema.js';
import type { Principal } from './principal.js';

export interface LocalProviderAccess {
  /** The resolved setting: '*' or the listed ids and names. */
  readonly tenants: '*' | string[];
  allows(principal: Principal): Promise<boolean>;
  allowsTenant(tenantId: string): Promise<boolean>;
}

export function createLocalProviderAccess(db: Db, allowed: '*' | string[]): LocalProviderAccess {
  const listed = new Set(allowed === '*' ? [] : allowed);
  async function allowsTenant(tenantId: string) {
    if (allowed === '*' || listed.has(tenantId)) return true;
    if (listed.size === 0) return false;
    const [row] = await db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId));
    return row !== undefined && listed.has(row.name);
  }
  return {
    tenants: allowed,
    allowsTenant,
    async allows(principal) {
      if (allowed === '*') return true;
      if (principal.kind !== 'tenant' && principal.kind !== 'device') return principal.kind !== 'anonymous';
      return allowsTenant(principal.tenantId);
    },
  };
}
