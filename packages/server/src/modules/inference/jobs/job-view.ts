/** A stored job as the API returns it (openapi/inference.yaml `InferenceJob`). */
import type { JobRow, TaskView } from './job-repository.js';

export function toInferenceJob(job: JobRow, results: TaskView[], page: { offset: number; limit: number }) {
  const single = job.kind === 'single';
  const done = job.completedTasks + job.failedTasks + job.cancelledTasks;
  return {
    job_id: job.id,
    type: job.kind,
    model_id: job.modelId,
    name: job.name,
    project_id: job.projectId,
    status: job.status,
    progress: {
      total: job.totalTasks,
      completed: job.completedTasks,
      failed: job.failedTasks,
      cancelled: job.cancelledTasks,
      percent: job.totalTasks === 0 ? 100 : Math.round((done / job.totalTasks) * 10_000) / 100,
    },
    result: single ? ((results[0]?.result as object | null | undefined) ?? null) : null,
    error: job.error ?? (single ? (results[0]?.error ?? null) : null),
    results: single ? [] : results.map((item) => ({ ...item, result: (item.result as object | null) ?? null })),
    results_offset: single ? 0 : page.offset,
    results_limit: single ? 0 : page.limit,
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    completed_at: job.completedAt?.toISOString() ?? null,
  };
}
