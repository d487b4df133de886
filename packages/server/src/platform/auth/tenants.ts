/** Tenants: every resource belongs to one. Created by the admin area, the mock, and tests. */
import type { Db } from '../db/database.js';
import { tenants } from '../db/schema.js';
import { randomId } from '../http/ids.js';

export type TenantRow = typeof tenants.$inferSelect;

export async function createTenant(db: Db, name: string, now: Date = new Date()): Promise<TenantRow> {
  const [row] = await db
    .insert(tenants)
    .values({ id: randomId('tnt'), name, createdAt: now })
    .returning();
  return row!;
}
