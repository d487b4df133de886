/**
 * Lab rows, always scoped to the tenant. The budget loop claims labs through `next_budget_check_at` with
 * FOR UPDATE SKIP LOCKED, so replicas split the labs between them.
 */
import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { labs } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

export type LabRow = typeof labs.$inferSelect;
export type NewLab = typeof labs.$inferInsert;

export function labRepository(db: Db) {
  return {
    /** 'conflict' when the tenant already has a lab with this slug. */
    async insert(row: NewLab): Promise<LabRow | 'conflict'> {
      try {
        const [inserted] = await db.insert(labs).values(row).returning();
        return inserted!;
      } catch (error) {
        if (isUniqueViolation(error)) return 'conflict';
        throw error;
      }
    },
    async list(tenantId: string, page: { limit: number; offset: number }) {
      const where = eq(labs.tenantId, tenantId);
      const [rows, [count]] = await Promise.all([
        db
          .select()
          .from(labs)
          .where(where)
          .orderBy(asc(labs.createdAt), asc(labs.id))
          .limit(page.limit)
          .offset(page.offset),
        db
          .select({ total: sql<number>`count(*)::int` })
          .from(labs)
          .where(where),
      ]);
      return { rows, total: count?.total ?? 0 };
    },
    async bySlug(tenantId: string, slug: string): Promise<LabRow | undefined> {
      const [row] = await db
        .select()
        .from(labs)
        .where(and(eq(labs.tenantId, tenantId), eq(labs.slug, slug)));
      return row;
    },
    async byId(tenantId: string, id: string): Promise<LabRow | undefined> {
      const [row] = await db
        .select()
        .from(labs)
        .where(and(eq(labs.tenantId, tenantId), eq(labs.id, id)));
      return row;
    },
    async update(id: string, patch: Partial<NewLab>, now: Date): Promise<LabRow> {
      const [row] = await db
        .update(labs)
        .set({ ...patch, updatedAt: now })
        .where(eq(labs.id, id))
        .returning();
      return row!;
    },
    /** Claims up to `limit` labs with a budget whose check is due, pushing their next check to `until`. */
    async claimBudgetDue(now: Date, until: Date, limit: number): Promise<LabRow[]> {
      const due = db
        .select({ id: labs.id })
        .from(labs)
        .where(and(isNotNull(labs.monthlyBudget), lte(labs.nextBudgetCheckAt, now)))
        .orderBy(labs.nextBudgetCheckAt)
        .limit(limit)
        .for('update', { skipLocked: true });
      return db.update(labs).set({ nextBudgetCheckAt: until }).where(inArray(labs.id, due)).returning();
    },
  };
}

export type LabRepository = ReturnType<typeof labRepository>;
