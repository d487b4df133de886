/**
 * What the efficiency figures are read from, within one tenant: training jobs, their checkpoints
 * (training_samples, written by the task recorder) and the inference jobs still running.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { inferenceJobs, trainingJobs, trainingSamples } from '../../platform/db/schema.js';
import type { TrainingCheckpoint, TrainingJobInput } from './job-metrics.js';

/** Jobs the charts and aggregates look at: the most recent ones. */
const RECENT_JOBS = 200;

export interface TrainingJobRow extends TrainingJobInput {
  projectId: string | null;
  progress: Record<string, unknown>;
}

const toJob = (row: typeof trainingJobs.$inferSelect): TrainingJobRow => {
  const target = (row.config as { training_config?: { target_accuracy?: number } }).training_config?.target_accuracy;
  return {
    id: row.id,
    modelId: row.modelId,
    status: row.status,
    createdAt: row.createdAt,
    targetAccuracy: typeof target === 'number' ? target : null,
    projectId: row.projectId,
    progress: row.progress,
  };
};

export function efficiencyRepository(db: Db) {
  return {
    async jobs(tenantId: string, statuses?: string[]): Promise<TrainingJobRow[]> {
      const rows = await db
        .select()
        .from(trainingJobs)
        .where(
          and(
            eq(trainingJobs.tenantId, tenantId),
            statuses ? inArray(trainingJobs.status, statuses as never[]) : undefined,
          ),
        )
        .orderBy(desc(trainingJobs.createdAt))
        .limit(RECENT_JOBS);
      return rows.map(toJob);
    },
    async job(tenantId: string, id: string): Promise<TrainingJobRow | undefined> {
      const [row] = await db
        .select()
        .from(trainingJobs)
        .where(and(eq(trainingJobs.tenantId, tenantId), eq(trainingJobs.id, id)));
      return row && toJob(row);
    },
    /** Checkpoints of these jobs, oldest first, by job. */
    async checkpoints(tenantId: string, jobIds: string[]): Promise<Map<string, TrainingCheckpoint[]>> {
      const byJob = new Map<string, TrainingCheckpoint[]>(jobIds.map((id) => [id, []]));
      if (jobIds.length === 0) return byJob;
      const rows = await db
        .select()
        .from(trainingSamples)
        .where(and(eq(trainingSamples.tenantId, tenantId), inArray(trainingSamples.jobId, jobIds)))
        .orderBy(asc(trainingSamples.at), asc(trainingSamples.id));
      for (const row of rows)
        byJob.get(row.jobId)?.push({
          at: row.at,
          samples: row.samplesCompleted,
          accuracy: row.accuracy,
          loss: row.loss,
          devices: row.devices,
          deviceKind: row.deviceKind,
          powerWatts: row.powerWatts,
        });
      return byJob;
    },
    activeInference: (tenantId: string) =>
      db
        .select()
        .from(inferenceJobs)
        .where(and(eq(inferenceJobs.tenantId, tenantId), inArray(inferenceJobs.status, ['queued', 'running'])))
        .orderBy(desc(inferenceJobs.createdAt))
        .limit(RECENT_JOBS),
  };
}

export type EfficiencyRepository = ReturnType<typeof efficiencyRepository>;
