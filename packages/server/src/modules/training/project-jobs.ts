/**
 * A project's training jobs (projects module, through module.ts): cancels every one that has not ended,
 * each with the same conditional transition as `cancelTraining`, so a job the runner finishes meanwhile
 * stays finished.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { trainingJobs } from '../../platform/db/schema.js';
import type { TrainingRepository } from './training-repository.js';

export async function cancelProjectTraining(
  db: Db,
  repository: TrainingRepository,
  tenantId: string,
  projectId: string,
  now: Date,
): Promise<string[]> {
  const open = await db
    .select({ id: trainingJobs.id })
    .from(trainingJobs)
    .where(
      and(
        eq(trainingJobs.tenantId, tenantId),
        eq(trainingJobs.projectId, projectId),
        inArray(trainingJobs.status, ['queued', 'running', 'paused']),
      ),
    );
  const cancelled: string[] = [];
  for (const { id } of open) {
    const row = await repository.transition(tenantId, id, ['queued', 'running', 'paused'], 'cancelled', now);
    if (row) cancelled.push(id);
  }
  return cancelled;
}
