/**
 * How `computeplane projects` prints a project and its analytics for people: key/value fields, then tables
 * for the latency per group (all tasks, each instance type, each device) and the throughput buckets.
 */
import type { GroupStats, LatencyPercentiles, Project, ProjectAnalytics } from '@computeplane/sdk/projects';
import type { CommandContext } from '../core/context.js';
import type { Column } from '../core/output.js';

/** A figure rounded to at most three decimals (50.5, 95.05, 0.667); null stays null. */
export const round = (value: number | null): number | null => (value === null ? null : Number(value.toFixed(3)));

const withUnit = (value: number | null, unit: string) => (value === null ? null : `${round(value)} ${unit}`);

/** `75% (30/40)`: ended tasks against the total (or the submitted tasks); `-` when neither is known. */
export function progressText(project: Project): string | null {
  if (project.progress_percent === null) return null;
  const ended = project.completed_tasks + project.failed_tasks;
  const of = project.total_tasks ?? project.submitted_tasks;
  return `${round(project.progress_percent)}% (${ended}/${of})`;
}

/** The columns of a table of projects (`projects list`, `dashboard projects`). */
export const PROJECT_COLUMNS: Column<Project>[] = [
  { header: 'ID', value: (p) => p.id },
  { header: 'NAME', value: (p) => p.name },
  { header: 'TYPE', value: (p) => p.type },
  { header: 'STATUS', value: (p) => p.status },
  { header: 'PROGRESS', value: (p) => progressText(p) },
  { header: 'COMPLETED', value: (p) => p.completed_tasks },
  { header: 'FAILED', value: (p) => p.failed_tasks },
  { header: 'AVG LATENCY', value: (p) => withUnit(p.metrics.avg_latency_ms, 'ms') },
  { header: 'CREATED', value: (p) => p.created_at },
];

export function printProject(ctx: CommandContext, project: Project): void {
  const m = project.metrics;
  ctx.out.fields([
    ['id', project.id],
    ['name', project.name],
    ['type', project.type],
    ['status', project.status],
    ['model', project.model_id],
    ['progress', progressText(project)],
    ['total tasks', project.total_tasks],
    ['submitted', project.submitted_tasks],
    ['completed', project.completed_tasks],
    ['failed', project.failed_tasks],
    ['avg latency', withUnit(m.avg_latency_ms, 'ms')],
    ['throughput', withUnit(m.throughput_per_sec, 'tasks/s')],
    ['compute', withUnit(m.compute_ms, 'ms')],
    ['bytes in', m.bytes_in],
    ['bytes out', m.bytes_out],
    ['first task', m.first_task_at],
    ['last task', m.last_task_at],
    ['created', project.created_at],
    ['completed at', project.completed_at ?? undefined],
    ['cancelled at', project.cancelled_at ?? undefined],
  ]);
}

interface GroupRow {
  group: string;
  processor?: string;
  stats: GroupStats;
}

const latencyColumns = (key: keyof LatencyPercentiles, header: string) => ({
  header,
  value: (row: GroupRow) => round(row.stats.latency[key]),
});

export function printAnalytics(ctx: CommandContext, analytics: ProjectAnalytics): void {
  const { latency, throughput } = analytics;
  ctx.out.fields([
    ['project', analytics.project_id],
    ['status', analytics.status],
    ['succeeded', analytics.success_count],
    ['failed', analytics.failure_count],
    ['success rate', analytics.success_rate === null ? null : `${round(analytics.success_rate * 100)}%`],
    ['latency samples', latency.samples],
    ['latency avg', withUnit(latency.avg, 'ms')],
    ['latency min', withUnit(latency.min, 'ms')],
    ['latency max', withUnit(latency.max, 'ms')],
  ]);
  const tasks = analytics.success_count + analytics.failure_count;
  const all: GroupStats = {
    tasks,
    completed: analytics.success_count,
    failed: analytics.failure_count,
    compute_ms: analytics.by_instance_type.aws.compute_ms + analytics.by_instance_type.user.compute_ms,
    latency,
  };
  const rows: GroupRow[] = [
    { group: 'all', stats: all },
    { group: 'aws (platform)', stats: analytics.by_instance_type.aws },
    { group: 'user (devices)', stats: analytics.by_instance_type.user },
    ...analytics.by_device.map((d) => ({
      group: `device ${d.device_id}`,
      processor: `${d.instance_type} ${d.processor}`,
      stats: d.stats,
    })),
  ];
  ctx.out.line();
  ctx.out.line('Latency (ms) by group:');
  ctx.out.table(rows, [
    { header: 'GROUP', value: (row) => row.group },
    { header: 'ON', value: (row) => row.processor },
    { header: 'TASKS', value: (row) => row.stats.tasks },
    { header: 'OK', value: (row) => row.stats.completed },
    { header: 'FAILED', value: (row) => row.stats.failed },
    { header: 'COMPUTE MS', value: (row) => round(row.stats.compute_ms) },
    latencyColumns('p50', 'P50'),
    latencyColumns('p90', 'P90'),
    latencyColumns('p95', 'P95'),
    latencyColumns('p99', 'P99'),
    latencyColumns('max', 'MAX'),
  ]);
  ctx.out.line();
  ctx.out.line(`Throughput per ${throughput.bucket_size}s bucket:`);
  ctx.out.table(
    throughput.buckets,
    [
      { header: 'TIME', value: (b) => b.timestamp },
      { header: 'COMPLETED', value: (b) => b.completed },
      { header: 'FAILED', value: (b) => b.failed },
      { header: 'TASKS/S', value: (b) => b.tasks_per_sec },
    ],
    { empty: 'No task has ended yet.' },
  );
  for (const note of analytics.notes) ctx.out.note(note);
}
