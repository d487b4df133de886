/** Jobs of the shared registry as the API shows them (openapi/compute.yaml `Job`): worker, staging and training jobs. */
import type { WorkerStage } from '../../../platform/settings.js';
import type { ComputeJobRow } from './job-repository.js';

export interface StageRecord {
  name: WorkerStage;
  status: 'pending' | 'running' | 'completed' | 'failed';
  started_at: string | null;
  finished_at: string | null;
  timeout_ms: number;
}

/** A worker job (its report once completed) or a staging job (its report shows progress throughout). */
export function computeJobView(row: ComputeJobRow) {
  return {
    job_id: row.id,
    kind: row.kind,
    status: row.status,
    stage: row.stage,
    stages: row.stages as unknown as StageRecord[],
    error: row.error,
    report: row.kind === 'stage' || row.status === 'completed' ? (row.report as never) : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** A training job of the training module, in the registry's shape. */
export function trainingJobView(job: {
  job_id: string;
  status: 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
  model_id: string;
  result_model_id: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}) {
  return {
    job_id: job.job_id,
    kind: 'training' as const,
    status: job.status,
    stage: null,
    stages: [],
    error: job.error,
    report: { model_id: job.model_id, result_model_id: job.result_model_id },
    created_at: job.created_at,
    updated_at: job.updated_at,
  };
}
