/**
 * The compute_jobs table, scoped to the tenant for reads. A job's progress is written as it moves from
 * stage to stage; each write is conditional on the job still being active, so a job cancelled (its
 * instance terminated) is never moved on by the provisioning still running.
 */
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database.js';
import { computeJobs } from '../../../platform/db/schema.js';

export type ComputeJobRow = typeof computeJobs.$inferSelect;
export type NewComputeJob = typeof computeJobs.$inferInsert;
const ACTIVE = ['queued', 'running'] as const;

export function computeJobRepository(db: Db) {
  return {
    async insert(row: NewComputeJob): Promise<ComputeJobRow> {
      const [created] = await db.insert(computeJobs).values(row).returning();
      return created!;
    },
    async get(tenantId: string, id: string): Promise<ComputeJobRow | undefined> {
      const [row] = await db
        .select()
        .from(computeJobs)
        .where(and(eq(computeJobs.tenantId, tenantId), eq(computeJobs.id, id)));
      return row;
    },
    /** Updates an active job; undefined when it has ended meanwhile (cancelled). */
    async progress(id: string, changes: Partial<NewComputeJob>): Promise<ComputeJobRow | undefined> {
      const [row] = await db
        .update(computeJobs)
        .set(changes)
        .where(and(eq(computeJobs.id, id), inArray(computeJobs.status, [...ACTIVE])))
        .returning();
      return row;
    },
    /** The tenant's jobs whose instance is `instanceId`. */
    async byInstance(tenantId: string, instanceId: string): Promise<ComputeJobRow[]> {
      return db
        .select()
        .from(computeJobs)
        .where(and(eq(computeJobs.tenantId, tenantId), eq(computeJobs.instanceId, instanceId)));
    },
    /** Active jobs not updated since `before` (their server stopped). */
    async activeOlderThan(before: Date): Promise<ComputeJobRow[]> {
      return db
        .select()
        .from(computeJobs)
        .where(and(inArray(computeJobs.status, [...ACTIVE]), lt(computeJobs.updatedAt, before)));
    },
    async finish(id: string, changes: Partial<NewComputeJob>) {
      await db.update(computeJobs).set(changes).where(eq(computeJobs.id, id));
    },
  };
}

export type ComputeJobRepository = ReturnType<typeof computeJobRepository>;
