/** A training job row as the API returns it (openapi/training.yaml `TrainingJob`). */
import type { z } from 'zod';
import type { TrainingJobSchema } from '../../generated/routes/training.js';
import type { TrainingRow } from './training-repository.js';

export type TrainingJob = z.infer<typeof TrainingJobSchema>;

export function toTrainingJob(row: TrainingRow): TrainingJob {
  return {
    job_id: row.id,
    status: row.status,
    model_id: row.modelId,
    config: row.config as TrainingJob['config'],
    loss: row.loss,
    progress: row.progress as TrainingJob['progress'],
    assigned_devices: row.assignedDevices,
    result_model_id: row.resultModelId,
    error: row.error,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
  };
}
