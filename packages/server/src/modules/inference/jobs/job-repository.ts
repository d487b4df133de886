/**
 * Inference jobs and their task slices in the database. Everything that must not happen twice is one
 * conditional statement or one transaction: creating a job with all its slices, claiming slices
 * (FOR UPDATE SKIP LOCKED, with a lease), completing a slice together with its job's counters (only
 * while still holding the claim), and cancelling.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database.js';
import { queryRows } from '../../../platform/db/query-rows.js';
import { inferenceJobs, inferenceTasks } from '../../../platform/db/schema.js';
import type { SliceOutcome, StoredSlice } from './slices.js';

export type JobRow = typeof inferenceJobs.$inferSelect;
export type NewJob = Omit<typeof inferenceJobs.$inferInsert, 'totalTasks'>;

export interface ClaimedTask {
  jobId: string;
  idx: number;
  firstItem: number;
  itemCount: number;
  /** The slice as stored: an array of `inputs` items, or a reference to stacked rows (stacked-storage.ts). */
  items: unknown;
  attempts: number;
}

/** A stored slice's row as results are read from it (job-results.ts decodes the text). */
export interface SliceResultRow {
  firstItem: number;
  itemCount: number;
  status: TaskView['status'];
  results: string | null;
}

export interface TaskView {
  index: number;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  result: unknown;
  error: string | null;
}

const iso = (date: Date) => date.toISOString();

/**
 * Which slices a runner may claim. The in-process runner (no tenant, no GPU) takes any tenant's slices but
 * leaves `prefer_gpu` slices to a GPU device while the job's tenant has one online (only until a slice has
 * been claimed once: one a GPU device gave back, or lost, is anyone's), and `require_gpu` jobs to
 * GPU devices always; a device's runner takes only its own tenant's slices, and never those of `skipJobs`
 * (models it cannot run); a device without a GPU is like the in-process runner in both respects.
 */
export interface ClaimScope {
  tenantId?: string;
  gpu: boolean;
  skipJobs?: string[];
  /** Devices whose last heartbeat is older are offline (DEVICE_OFFLINE_AFTER_MS). */
  staleBefore: Date;
  /** Leave out jobs that name a compute peer (`options.preferred_peer_id`): the in-process runner sends those. */
  skipPeerJobs?: boolean;
}

function scopeWhere(scope: ClaimScope | undefined) {
  if (!scope) return sql``;
  const parts = [];
  if (scope.tenantId !== undefined) parts.push(sql` AND j.tenant_id = ${scope.tenantId}`);
  if (scope.skipJobs && scope.skipJobs.length > 0)
    parts.push(
      sql` AND j.id NOT IN (${sql.join(
        scope.skipJobs.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  if (scope.skipPeerJobs) parts.push(sql` AND j.options->>'preferred_peer_id' IS NULL`);
  if (!scope.gpu)
    parts.push(sql` AND COALESCE(j.options->>'require_gpu', 'false') <> 'true'
      AND NOT (COALESCE(j.options->>'prefer_gpu', 'false') = 'true' AND t.attempts = 0 AND EXISTS (
      SELECT 1 FROM devices d WHERE d.tenant_id = j.tenant_id AND d.connected_node IS NOT NULL
        AND d.last_heartbeat_at >= ${iso(scope.staleBefore)} AND jsonb_typeof(d.capabilities->'gpu') = 'object'))`);
  return sql.join(parts, sql``);
}

export function jobRepository(db: Db) {
  /** Stores the job and its slices as given (stored text and item count each), in one transaction. */
  async function create(job: NewJob, slices: StoredSlice[]): Promise<JobRow> {
    let firstItem = 0;
    const rows = slices.map((slice, idx) => {
      const row = { jobId: job.id, idx, firstItem, itemCount: slice.itemCount, items: slice.items };
      firstItem += slice.itemCount;
      return row;
    });
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(inferenceJobs)
        .values({ ...job, totalTasks: firstItem })
        .returning();
      // Multi-row inserts of up to 500 slices each: one statement per 500 slices, not one per input.
      for (let i = 0; i < rows.length; i += 500) await tx.insert(inferenceTasks).values(rows.slice(i, i + 500));
      return row!;
    });
  }

  return {
    /** Stores the job and its slices, in one transaction. */
    create,

    async get(tenantId: string, id: string): Promise<JobRow | undefined> {
      const [row] = await db
        .select()
        .from(inferenceJobs)
        .where(and(eq(inferenceJobs.tenantId, tenantId), eq(inferenceJobs.id, id)));
      return row;
    },

    /** The slices holding items `offset`..`offset + limit`, in input order, with their stored results. */
    async resultSlices(jobId: string, offset: number, limit: number): Promise<SliceResultRow[]> {
      if (limit === 0) return [];
      return db
        .select({
          firstItem: inferenceTasks.firstItem,
          itemCount: inferenceTasks.itemCount,
          status: inferenceTasks.status,
          results: inferenceTasks.results,
        })
        .from(inferenceTasks)
        .where(
          sql`${inferenceTasks.jobId} = ${jobId} AND ${inferenceTasks.firstItem} < ${offset + limit} AND ${inferenceTasks.firstItem} + ${inferenceTasks.itemCount} > ${offset}`,
        )
        .orderBy(inferenceTasks.idx);
    },

    /** Cancels unfinished slices; null when the job had already ended. */
    async cancel(tenantId: string, id: string, now: Date): Promise<JobRow | null | undefined> {
      return db.transaction(async (tx) => {
        const [job] = await tx
          .select()
          .from(inferenceJobs)
          .where(and(eq(inferenceJobs.tenantId, tenantId), eq(inferenceJobs.id, id)))
          .for('update');
        if (!job) return undefined;
        if (!['queued', 'running'].includes(job.status)) return null;
        const [cancelled] = await queryRows<{ items: number }>(
          tx as never,
          sql`WITH c AS (UPDATE inference_tasks SET status = 'cancelled', lease_expires_at = NULL
                WHERE job_id = ${id} AND status IN ('queued', 'running') RETURNING item_count)
              SELECT COALESCE(SUM(item_count), 0)::int AS items FROM c`,
        );
        const [row] = await tx
          .update(inferenceJobs)
          .set({
            status: 'cancelled',
            cancelledTasks: sql`${inferenceJobs.cancelledTasks} + ${cancelled?.items ?? 0}`,
            completedAt: now,
          })
          .where(eq(inferenceJobs.id, id))
          .returning();
        return row;
      });
    },

    /** Claims up to `limit` queued slices, or running ones whose lease expired, for this worker. */
    async claim(
      workerId: string,
      token: string,
      limit: number,
      leaseMs: number,
      now: Date,
      scope?: ClaimScope,
    ): Promise<ClaimedTask[]> {
      const rows = await queryRows<{
        job_id: string;
        idx: number;
        first_item: number;
        item_count: number;
        items: string;
        attempts: number;
      }>(
        db,
        sql`WITH picked AS (
              SELECT t.job_id, t.idx FROM inference_tasks t JOIN inference_jobs j ON j.id = t.job_id
              WHERE (t.status = 'queued' OR (t.status = 'running' AND t.lease_expires_at < ${iso(now)}))${scopeWhere(scope)}
              ORDER BY t.job_id, t.idx
              LIMIT ${limit}
              FOR UPDATE OF t SKIP LOCKED)
            UPDATE inference_tasks t
            SET status = 'running', claimed_by = ${workerId}, claim_token = ${token},
                lease_expires_at = ${iso(new Date(now.getTime() + leaseMs))}, attempts = t.attempts + 1
            FROM picked WHERE t.job_id = picked.job_id AND t.idx = picked.idx
            RETURNING t.job_id, t.idx, t.first_item, t.item_count, t.items, t.attempts`,
      );
      const jobIds = [...new Set(rows.map((row) => row.job_id))];
      if (jobIds.length > 0) {
        await db.execute(sql`UPDATE inference_jobs SET status = 'running', started_at = COALESCE(started_at, ${iso(now)})
          WHERE id IN (${sql.join(
            jobIds.map((id) => sql`${id}`),
            sql`, `,
          )}) AND status = 'queued'`);
      }
      return rows.map((row) => ({
        jobId: row.job_id,
        idx: row.idx,
        firstItem: row.first_item,
        itemCount: row.item_count,
        items: JSON.parse(row.items) as unknown,
        attempts: row.attempts,
      }));
    },

    async renew(token: string, until: Date): Promise<void> {
      await db.execute(
        sql`UPDATE inference_tasks SET lease_expires_at = ${iso(until)} WHERE claim_token = ${token} AND status = 'running'`,
      );
    },

    /** Gives a claimed slice back (its device went away, or cannot run it): queued again at once. */
    async release(token: string): Promise<void> {
      await db.execute(
        sql`UPDATE inference_tasks SET status = 'queued', lease_expires_at = NULL WHERE claim_token = ${token} AND status = 'running'`,
      );
    },

    async jobsById(ids: string[]): Promise<JobRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(inferenceJobs)
        .where(
          sql`${inferenceJobs.id} IN (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        );
    },

    /**
     * Writes one slice's results and advances its job, in one transaction, only if this claim still holds
     * the slice. Returns false when it did not (cancelled, or the lease passed to another worker).
     */
    async complete(token: string, jobId: string, idx: number, outcome: SliceOutcome, now: Date): Promise<boolean> {
      const { text, tasks, failed, firstError } = outcome;
      return db.transaction(async (tx) => {
        // Lock order is job row, then task rows, the same as cancel(): taking the task first here deadlocked
        // against a concurrent cancel on PostgreSQL (40P01 surfaced as a 500 from cancelInferenceJob).
        await tx.select({ id: inferenceJobs.id }).from(inferenceJobs).where(eq(inferenceJobs.id, jobId)).for('update');
        const updated = await tx
          .update(inferenceTasks)
          .set({ status: 'completed', results: text, completedAt: now, leaseExpiresAt: null })
          .where(
            and(
              eq(inferenceTasks.jobId, jobId),
              eq(inferenceTasks.idx, idx),
              eq(inferenceTasks.claimToken, token),
              eq(inferenceTasks.status, 'running'),
            ),
          )
          .returning({ idx: inferenceTasks.idx });
        if (updated.length === 0) return false;
        const ok = tasks - failed;
        await tx.execute(sql`
          UPDATE inference_jobs SET
            completed_tasks = completed_tasks + ${ok},
            failed_tasks = failed_tasks + ${failed},
            error = CASE WHEN kind = 'single' AND ${failed} > 0 THEN ${firstError} ELSE error END,
            status = CASE WHEN completed_tasks + failed_tasks + cancelled_tasks + ${tasks} >= total_tasks
                          THEN (CASE WHEN failed_tasks + ${failed} >= total_tasks THEN 'failed' ELSE 'completed' END)
                          ELSE status END,
            completed_at = CASE WHEN completed_tasks + failed_tasks + cancelled_tasks + ${tasks} >= total_tasks
                                THEN ${iso(now)}::timestamptz ELSE completed_at END
          WHERE id = ${jobId} AND status IN ('queued', 'running')`);
        return true;
      });
    },
  };
}

export type JobRepository = ReturnType<typeof jobRepository>;
