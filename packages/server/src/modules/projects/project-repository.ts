/**
 * The projects table, always within one tenant. Ending a project (complete, cancel) is one conditional
 * update (`WHERE status = 'active'`), so two requests racing each other, or the task recorder completing
 * it, end it exactly once.
 */
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { projects, type ProjectStatus, type ProjectType } from '../../platform/db/schema.js';

export type ProjectRow = typeof projects.$inferSelect;

export function projectRepository(db: Db) {
  const scope = (tenantId: string, id: string) => and(eq(projects.tenantId, tenantId), eq(projects.id, id));
  return {
    /** Inserts a project; undefined when the tenant already has one with this id. */
    async create(row: typeof projects.$inferInsert): Promise<ProjectRow | undefined> {
      const [created] = await db.insert(projects).values(row).onConflictDoNothing().returning();
      return created;
    },
    async get(tenantId: string, id: string): Promise<ProjectRow | undefined> {
      const [row] = await db.select().from(projects).where(scope(tenantId, id));
      return row;
    },
    async list(
      tenantId: string,
      filter: { status?: ProjectStatus; type?: ProjectType },
      page: { limit: number; offset: number },
    ): Promise<{ rows: ProjectRow[]; total: number }> {
      const conditions: SQL[] = [eq(projects.tenantId, tenantId)];
      if (filter.status) conditions.push(eq(projects.status, filter.status));
      if (filter.type) conditions.push(eq(projects.type, filter.type));
      const where = and(...conditions);
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(projects)
          .where(where)
          .orderBy(desc(projects.createdAt), desc(projects.id))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(projects).where(where),
      ]);
      return { rows, total: Number(total?.n ?? 0) };
    },
    /** Ends an active project; undefined when it is not active (or not there). */
    async end(tenantId: string, id: string, to: 'completed' | 'cancelled', now: Date): Promise<ProjectRow | undefined> {
      const [row] = await db
        .update(projects)
        .set({ status: to, ...(to === 'completed' ? { completedAt: now } : { cancelledAt: now }) })
        .where(and(scope(tenantId, id), eq(projects.status, 'active')))
        .returning();
      return row;
    },
  };
}

export type ProjectRepository = ReturnType<typeof projectRepository>;
