/**
 * A project's async and batch jobs (projects module, through module.ts): cancels every one that has not
 * ended with the repository's own cancel (unfinished slices cancelled, late results discarded).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database.js';
import { inferenceJobs } from '../../../platform/db/schema.js';
import type { JobRepository } from './job-repository.js';

export async function cancelProjectInference(
  db: Db,
  jobs: JobRepository,
  tenantId: string,
  projectId: string,
  now: Date,
): Promise<string[]> {
  const open = await db
    .select({ id: inferenceJobs.id })
    .from(inferenceJobs)
    .where(
      and(
        eq(inferenceJobs.tenantId, tenantId),
        eq(inferenceJobs.projectId, projectId),
        inArray(inferenceJobs.status, ['queued', 'running']),
      ),
    );
  const cancelled: string[] = [];
  for (const { id } of open) if (await jobs.cancel(tenantId, id, now)) cancelled.push(id);
  return cancelled;
}
