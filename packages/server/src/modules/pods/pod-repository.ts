/**
 * Pod rows, their usage spans and their events. Every status change is a conditional update
 * (`WHERE status IN (...)`) in one transaction with the spans it opens and closes, so a request racing a
 * background loop (or another replica) can never move a pod twice or bill a span twice. Background work
 * is claimed through `next_check_at` with FOR UPDATE SKIP LOCKED.
 */
import { and, desc, eq, inArray, isNull, like, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { podEvents, podUsage, pods, type PodStatus } from '../../platform/db/schema.js';
import { randomId } from '../../platform/http/ids.js';

export type PodRow = typeof pods.$inferSelect;
export type NewPod = typeof pods.$inferInsert;
export type UsageRow = typeof podUsage.$inferSelect;
export type EventRow = typeof podEvents.$inferSelect;
export type SpanKind = 'compute' | 'storage';

/** Spans a move closes (at `now`) and the one it opens. */
export interface SpanChange {
  close?: SpanKind[];
  open?: { kind: SpanKind; pricePerHour: number };
}

export function podRepository(db: Db) {
  return {
    async insert(row: NewPod): Promise<PodRow> {
      const [inserted] = await db.insert(pods).values(row).returning();
      return inserted!;
    },
    async get(tenantId: string, id: string): Promise<PodRow | undefined> {
      const [row] = await db
        .select()
        .from(pods)
        .where(and(eq(pods.tenantId, tenantId), eq(pods.id, id)));
      return row;
    },
    async list(
      tenantId: string,
      labId: string | undefined,
      status: PodStatus | undefined,
      page: { limit: number; offset: number },
    ) {
      const conditions: SQL[] = [eq(pods.tenantId, tenantId)];
      if (labId !== undefined) conditions.push(eq(pods.labId, labId));
      if (status) conditions.push(eq(pods.status, status));
      const where = and(...conditions);
      const [rows, [count]] = await Promise.all([
        db
          .select()
          .from(pods)
          .where(where)
          .orderBy(desc(pods.createdAt), desc(pods.id))
          .limit(page.limit)
          .offset(page.offset),
        db
          .select({ total: sql<number>`count(*)::int` })
          .from(pods)
          .where(where),
      ]);
      return { rows, total: count?.total ?? 0 };
    },
    /** The lab's pods in these statuses. */
    async ofLab(labId: string, statuses: PodStatus[]): Promise<PodRow[]> {
      return db
        .select()
        .from(pods)
        .where(and(eq(pods.labId, labId), inArray(pods.status, statuses)));
    },

    /**
     * Applies `patch` only while the pod is in one of `from`, with its span changes, in one transaction;
     * undefined (and nothing changed) when it was not.
     */
    async move(
      id: string,
      from: PodStatus[],
      patch: Partial<NewPod>,
      now: Date,
      spans: SpanChange = {},
    ): Promise<PodRow | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(pods)
          .set({ ...patch, updatedAt: now })
          .where(and(eq(pods.id, id), inArray(pods.status, from)))
          .returning();
        if (!row) return undefined;
        if (spans.close?.length)
          await tx
            .update(podUsage)
            .set({ endedAt: now })
            .where(and(eq(podUsage.podId, id), inArray(podUsage.kind, spans.close), isNull(podUsage.endedAt)));
        if (spans.open)
          await tx
            .insert(podUsage)
            .values({
              id: randomId('use'),
              podId: id,
              labId: row.labId,
              tenantId: row.tenantId,
              kind: spans.open.kind,
              pricePerHour: spans.open.pricePerHour,
              startedAt: now,
            })
            .onConflictDoNothing();
        return row;
      });
    },

    /**
     * Claims up to `limit` pods with due work (creating, running, or a terminated pod's volume to delete),
     * pushing their next check to `until`. With `localPrefix`, local pods of another node are left to it.
     */
    async claimDue(now: Date, until: Date, limit: number, localPrefix?: string): Promise<PodRow[]> {
      const conditions: (SQL | undefined)[] = [
        inArray(pods.status, ['creating', 'running', 'terminated']),
        isNull(pods.volumeDeletedAt),
        lte(pods.nextCheckAt, now),
      ];
      if (localPrefix !== undefined)
        conditions.push(or(ne(pods.provider, 'local'), like(pods.volumeId, `${localPrefix}%`)));
      const due = db
        .select({ id: pods.id })
        .from(pods)
        .where(and(...conditions))
        .orderBy(pods.nextCheckAt)
        .limit(limit)
        .for('update', { skipLocked: true });
      return db.update(pods).set({ nextCheckAt: until }).where(inArray(pods.id, due)).returning();
    },
    /**
     * Makes this node's running local pods due now (their containers ended with the previous process). Creating
     * ones keep their time: a request may be starting one right now.
     */
    async checkNow(volumePrefix: string, now: Date): Promise<void> {
      await db
        .update(pods)
        .set({ nextCheckAt: now })
        .where(and(eq(pods.provider, 'local'), eq(pods.status, 'running'), like(pods.volumeId, `${volumePrefix}%`)));
    },
    async unfinishedLocal(volumePrefix: string): Promise<PodRow[]> {
      return db
        .select()
        .from(pods)
        .where(
          and(
            eq(pods.provider, 'local'),
            inArray(pods.status, ['creating', 'running']),
            like(pods.volumeId, `${volumePrefix}%`),
          ),
        );
    },
    async markKeyCollected(id: string, now: Date): Promise<void> {
      await db
        .update(pods)
        .set({ keyCollectedAt: now })
        .where(and(eq(pods.id, id), isNull(pods.keyCollectedAt)));
    },

    /** Usage spans of these pods (for their costs so far). */
    async spansOf(podIds: string[]): Promise<UsageRow[]> {
      if (podIds.length === 0) return [];
      return db.select().from(podUsage).where(inArray(podUsage.podId, podIds));
    },
    /** Usage spans of a tenant (optionally one lab) overlapping [start, end). */
    async spansIn(tenantId: string, labId: string | undefined, start: Date, end: Date): Promise<UsageRow[]> {
      const conditions: (SQL | undefined)[] = [
        eq(podUsage.tenantId, tenantId),
        sql`${podUsage.startedAt} < ${end.toISOString()}`,
        or(isNull(podUsage.endedAt), sql`${podUsage.endedAt} > ${start.toISOString()}`),
      ];
      if (labId !== undefined) conditions.push(eq(podUsage.labId, labId));
      return db
        .select()
        .from(podUsage)
        .where(and(...conditions));
    },
    async byIds(ids: string[]): Promise<PodRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(pods).where(inArray(pods.id, ids));
    },

    async addEvent(
      event: { tenantId: string; labId: string; podId: string | null; type: string; message: string },
      now: Date,
    ) {
      await db.insert(podEvents).values({ id: randomId('evt'), ...event, createdAt: now });
    },
    async events(labId: string, podId: string | undefined, page: { limit: number; offset: number }) {
      const where = podId ? and(eq(podEvents.labId, labId), eq(podEvents.podId, podId)) : eq(podEvents.labId, labId);
      const [rows, [count]] = await Promise.all([
        db
          .select()
          .from(podEvents)
          .where(where)
          .orderBy(desc(podEvents.createdAt), desc(podEvents.id))
          .limit(page.limit)
          .offset(page.offset),
        db
          .select({ total: sql<number>`count(*)::int` })
          .from(podEvents)
          .where(where),
      ]);
      return { rows, total: count?.total ?? 0 };
    },
  };
}

export type PodRepository = ReturnType<typeof podRepository>;
