/**
 * Training jobs in the database (table `training_jobs`), always scoped to the tenant for the API. A runner
 * picks a due job it has devices for and claims it (queued, or running with its lease run out: its server died) with FOR UPDATE SKIP
 * LOCKED and a lease; its checkpoints and its completion are written only while it still holds that claim.
 */
import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { queryRows } from '../../platform/db/query-rows.js';
import { trainingJobs } from '../../platform/db/schema.js';

export type TrainingRow = typeof trainingJobs.$inferSelect;
export type TrainingStatus = TrainingRow['status'];
type NewTraining = typeof trainingJobs.$inferInsert;

export function trainingRepository(db: Db) {
  return {
    async create(job: NewTraining): Promise<TrainingRow> {
      const [row] = await db.insert(trainingJobs).values(job).returning();
      return row!;
    },
    async get(tenantId: string, id: string): Promise<TrainingRow | undefined> {
      const [row] = await db
        .select()
        .from(trainingJobs)
        .where(and(eq(trainingJobs.tenantId, tenantId), eq(trainingJobs.id, id)));
      return row;
    },
    /** Moves the job from one of `from` to `to` in one statement; undefined when it was in no such state. */
    async transition(
      tenantId: string,
      id: string,
      from: TrainingStatus[],
      to: TrainingStatus,
      now: Date,
    ): Promise<TrainingRow | undefined> {
      const ends = to === 'cancelled';
      const [row] = await db
        .update(trainingJobs)
        .set({
          status: to,
          updatedAt: now,
          ...(ends ? { completedAt: now, assignedDevices: [], claimToken: null, leaseUntil: null } : {}),
        })
        .where(and(eq(trainingJobs.tenantId, tenantId), eq(trainingJobs.id, id), inArray(trainingJobs.status, from)))
        .returning();
      return row;
    },
    /** Due jobs (queued, or running with the lease run out: their server died), oldest first. */
    async due(now: Date, limit: number): Promise<TrainingRow[]> {
      return db
        .select()
        .from(trainingJobs)
        .where(
          or(
            eq(trainingJobs.status, 'queued'),
            and(eq(trainingJobs.status, 'running'), lt(trainingJobs.leaseUntil, now)),
          ),
        )
        .orderBy(trainingJobs.createdAt)
        .limit(limit);
    },
    /** Claims the job `id` for `token` until `leaseUntil` if it is still due and no one else is claiming it. */
    async claim(id: string, token: string, now: Date, leaseUntil: Date): Promise<TrainingRow | undefined> {
      return db.transaction(async (tx) => {
        const rows = await queryRows<{ id: string }>(
          tx,
          sql`SELECT id FROM training_jobs
            WHERE id = ${id} AND (status = 'queued' OR (status = 'running' AND lease_until < ${now.toISOString()}))
            FOR UPDATE SKIP LOCKED`,
        );
        if (!rows[0]) return undefined;
        const [row] = await tx
          .update(trainingJobs)
          .set({
            status: 'running',
            claimToken: token,
            leaseUntil,
            assignedDevices: [],
            attempts: sql`${trainingJobs.attempts} + 1`,
            updatedAt: now,
          })
          .where(eq(trainingJobs.id, id))
          .returning();
        return row;
      });
    },
    /**
     * Writes a checkpoint and progress while the claim is held, renewing the lease; answers the job's status
     * now (paused or cancelled by a request in between), or undefined when the claim was lost.
     */
    async checkpoint(
      id: string,
      token: string,
      state: { checkpoint: Record<string, unknown>; progress: Record<string, unknown> },
      now: Date,
      leaseUntil: Date,
    ): Promise<TrainingStatus | undefined> {
      const [row] = await db
        .update(trainingJobs)
        .set({ ...state, leaseUntil, updatedAt: now })
        .where(and(eq(trainingJobs.id, id), eq(trainingJobs.claimToken, token)))
        .returning({ status: trainingJobs.status });
      return row?.status;
    },
    /** The devices the job runs on now (while the claim is held). */
    async assign(id: string, token: string, devices: string[]): Promise<void> {
      await db
        .update(trainingJobs)
        .set({ assignedDevices: devices })
        .where(and(eq(trainingJobs.id, id), eq(trainingJobs.claimToken, token)));
    },
    /** Extends the lease while the claim is held (between checkpoints of a long round). */
    async renew(id: string, token: string, leaseUntil: Date): Promise<void> {
      await db
        .update(trainingJobs)
        .set({ leaseUntil })
        .where(and(eq(trainingJobs.id, id), eq(trainingJobs.claimToken, token)));
    },
    /**
     * Lets go of the claim (paused or cancelled jobs, or a server stopping): the devices are released, and a
     * job still running is queued again for any runner to resume from its checkpoint. A job `preempted`
     * (its devices went to other jobs) does not count the claim among its attempts.
     */
    async release(id: string, token: string, now: Date, preempted = false): Promise<void> {
      await db
        .update(trainingJobs)
        .set({
          status: sql`CASE WHEN ${trainingJobs.status} = 'running' THEN 'queued' ELSE ${trainingJobs.status} END`,
          claimToken: null,
          leaseUntil: null,
          assignedDevices: [],
          updatedAt: now,
          ...(preempted ? { attempts: sql`greatest(${trainingJobs.attempts} - 1, 0)` } : {}),
        })
        .where(and(eq(trainingJobs.id, id), eq(trainingJobs.claimToken, token)));
    },
    /** Completes or fails the job while the claim is held and it is still running. */
    async finish(
      id: string,
      token: string,
      outcome: { status: 'completed' | 'failed'; resultModelId?: string; error?: string },
      now: Date,
    ): Promise<boolean> {
      const rows = await db
        .update(trainingJobs)
        .set({
          status: outcome.status,
          resultModelId: outcome.resultModelId ?? null,
          error: outcome.error ?? null,
          claimToken: null,
          leaseUntil: null,
          assignedDevices: [],
          completedAt: now,
          updatedAt: now,
        })
        .where(and(eq(trainingJobs.id, id), eq(trainingJobs.claimToken, token), eq(trainingJobs.status, 'running')))
        .returning({ id: trainingJobs.id });
      return rows.length === 1;
    },
  };
}

export type TrainingRepository = ReturnType<typeof trainingRepository>;
