/** A project row as the API shows it (openapi/projects.yaml `Project`), with its derived figures. */
import type { ProjectRow } from './project-repository.js';

const round = (value: number, places = 3) => Math.round(value * 10 ** places) / 10 ** places;

export function toProject(row: ProjectRow) {
  const ended = row.completedTasks + row.failedTasks;
  const expected = row.totalTasks ?? row.submittedTasks;
  const first = row.firstTaskAt?.getTime();
  const last = row.lastTaskAt?.getTime();
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    model_id: row.modelId,
    status: row.status,
    total_tasks: row.totalTasks,
    submitted_tasks: row.submittedTasks,
    completed_tasks: row.completedTasks,
    failed_tasks: row.failedTasks,
    progress_percent: expected > 0 ? round(Math.min(100, (ended / expected) * 100), 2) : null,
    metrics: {
      avg_latency_ms: row.latencySamples > 0 ? round(row.latencyMsSum / row.latencySamples) : null,
      compute_ms: round(row.computeMs),
      throughput_per_sec:
        first !== undefined && last !== undefined && last > first ? round(ended / ((last - first) / 1000)) : null,
      bytes_in: row.bytesIn,
      bytes_out: row.bytesOut,
      first_task_at: row.firstTaskAt?.toISOString() ?? null,
      last_task_at: row.lastTaskAt?.toISOString() ?? null,
    },
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    cancelled_at: row.cancelledAt?.toISOString() ?? null,
  };
}

export type ProjectView = ReturnType<typeof toProject>;
