/**
 * GPU session rows. Every state change is a conditional update (`WHERE status IN (...)`), so two
 * replicas, or a request racing a background loop, can never both move one session; background work
 * is claimed through `next_check_at` with FOR UPDATE SKIP LOCKED.
 */
import { and, desc, eq, gt, inArray, isNull, like, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { gpuSessions, platformSettings, type GpuSessionStatus } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/unique-violation.js';

export type SessionRow = typeof gpuSessions.$inferSelect;
export type NewSession = typeof gpuSessions.$inferInsert;

export const ACTIVE: GpuSessionStatus[] = ['pending', 'provisioning', 'running'];
export const UNFINISHED: GpuSessionStatus[] = ['pending', 'provisioning', 'running', 'stopping'];

export interface SessionFilters {
  consumerId?: string;
  status?: GpuSessionStatus;
  provider?: string;
}

export function sessionRepository(db: Db) {
  return {
    /** Inserts a pending session; 'conflict' when the consumer already has an active session on the offer. */
    async insert(row: NewSession): Promise<SessionRow | 'conflict'> {
      try {
        const [inserted] = await db.insert(gpuSessions).values(row).returning();
        return inserted!;
      } catch (error) {
        if (isUniqueViolation(error)) return 'conflict';
        throw error;
      }
    },

    async get(tenantId: string, id: string): Promise<SessionRow | undefined> {
      const [row] = await db
        .select()
        .from(gpuSessions)
        .where(and(eq(gpuSessions.tenantId, tenantId), eq(gpuSessions.id, id)));
      return row;
    },

    async byId(id: string): Promise<SessionRow | undefined> {
      const [row] = await db.select().from(gpuSessions).where(eq(gpuSessions.id, id));
      return row;
    },

    async list(tenantId: string, filters: SessionFilters, page: { limit: number; offset: number }) {
      const conditions: SQL[] = [eq(gpuSessions.tenantId, tenantId)];
      if (filters.consumerId !== undefined) conditions.push(eq(gpuSessions.consumerId, filters.consumerId));
      if (filters.status !== undefined) conditions.push(eq(gpuSessions.status, filters.status));
      if (filters.provider !== undefined) conditions.push(eq(gpuSessions.provider, filters.provider));
      const where = and(...conditions);
      const [rows, [count]] = await Promise.all([
        db
          .select()
          .from(gpuSessions)
          .where(where)
          .orderBy(desc(gpuSessions.createdAt), desc(gpuSessions.id))
          .limit(page.limit)
          .offset(page.offset),
        db
          .select({ total: sql<number>`count(*)::int` })
          .from(gpuSessions)
          .where(where),
      ]);
      return { rows, total: count?.total ?? 0 };
    },

    /** Applies `patch` only while the session is in one of `from`; undefined when it was not. */
    async transition(
      id: string,
      from: GpuSessionStatus[],
      patch: Partial<NewSession>,
      now: Date,
    ): Promise<SessionRow | undefined> {
      const [row] = await db
        .update(gpuSessions)
        .set({ ...patch, updatedAt: now })
        .where(and(eq(gpuSessions.id, id), inArray(gpuSessions.status, from)))
        .returning();
      return row;
    },

    /**
     * Claims up to `limit` unfinished sessions whose next check is due, pushing their next check to
     * `until`. With `localPrefix`, local-provider sessions whose instance belongs to another node are left
     * to that node.
     */
    async claimDue(now: Date, until: Date, limit: number, localPrefix?: string): Promise<SessionRow[]> {
      const conditions: (SQL | undefined)[] = [
        inArray(gpuSessions.status, UNFINISHED),
        lte(gpuSessions.nextCheckAt, now),
      ];
      if (localPrefix !== undefined) {
        conditions.push(
          or(
            ne(gpuSessions.provider, 'local'),
            isNull(gpuSessions.instanceId),
            like(gpuSessions.instanceId, `${localPrefix}%`),
          ),
        );
      }
      const due = db
        .select({ id: gpuSessions.id })
        .from(gpuSessions)
        .where(and(...conditions))
        .orderBy(gpuSessions.nextCheckAt)
        .limit(limit)
        .for('update', { skipLocked: true });
      return db.update(gpuSessions).set({ nextCheckAt: until }).where(inArray(gpuSessions.id, due)).returning();
    },

    /** Makes every unfinished session on instances with this id prefix due now (a restarted node's own instances). */
    async checkNow(provider: string, instancePrefix: string, now: Date): Promise<void> {
      await db
        .update(gpuSessions)
        .set({ nextCheckAt: now })
        .where(
          and(
            eq(gpuSessions.provider, provider),
            inArray(gpuSessions.status, UNFINISHED),
            like(gpuSessions.instanceId, `${instancePrefix}%`),
          ),
        );
    },

    async markKeyCollected(id: string, now: Date): Promise<void> {
      await db
        .update(gpuSessions)
        .set({ keyCollectedAt: now })
        .where(and(eq(gpuSessions.id, id), isNull(gpuSessions.keyCollectedAt)));
    },

    /** Sessions of one provider, by id, for the reconciler. */
    async byIds(ids: string[]): Promise<SessionRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(gpuSessions).where(inArray(gpuSessions.id, ids));
    },

    async unfinishedOf(provider: string): Promise<SessionRow[]> {
      return db
        .select()
        .from(gpuSessions)
        .where(and(eq(gpuSessions.provider, provider), inArray(gpuSessions.status, UNFINISHED)));
    },

    /** Sessions whose billing window overlaps [start, end), for cost summaries. */
    async billed(
      tenantId: string,
      consumerId: string | undefined,
      start: Date | null,
      end: Date | null,
    ): Promise<SessionRow[]> {
      const conditions: (SQL | undefined)[] = [
        eq(gpuSessions.tenantId, tenantId),
        or(gt(gpuSessions.priorHours, 0), sql`${gpuSessions.billingStartedAt} IS NOT NULL`),
      ];
      if (consumerId !== undefined) conditions.push(eq(gpuSessions.consumerId, consumerId));
      if (end)
        conditions.push(
          or(
            sql`${gpuSessions.billingStartedAt} < ${end.toISOString()}`,
            sql`${gpuSessions.createdAt} < ${end.toISOString()}`,
          ),
        );
      if (start)
        conditions.push(
          or(
            isNull(gpuSessions.billingEndedAt),
            sql`${gpuSessions.billingEndedAt} > ${start.toISOString()}`,
            sql`${gpuSessions.createdAt} >= ${start.toISOString()}`,
          ),
        );
      return db
        .select()
        .from(gpuSessions)
        .where(and(...conditions));
    },

    /** Counts of unfinished sessions by provider and status (the gpu_sessions_active gauge). */
    async activeCounts(): Promise<Array<{ provider: string; status: string; count: number }>> {
      return db
        .select({ provider: gpuSessions.provider, status: gpuSessions.status, count: sql<number>`count(*)::int` })
        .from(gpuSessions)
        .where(inArray(gpuSessions.status, UNFINISHED))
        .groupBy(gpuSessions.provider, gpuSessions.status);
    },
  };
}

export type SessionRepository = ReturnType<typeof sessionRepository>;

/** The deployment id shared by every replica on this database: created once, then read. */
export async function deploymentId(db: Db, generate: () => string): Promise<string> {
  await db.insert(platformSettings).values({ key: 'deployment_id', value: generate() }).onConflictDoNothing();
  const [row] = await db.select().from(platformSettings).where(eq(platformSettings.key, 'deployment_id'));
  return row!.value;
}
