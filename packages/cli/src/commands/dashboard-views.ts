/**
 * `computeplane dashboard devices|jobs|projects|tasks|throughput|utilization`: the dashboard's aggregated
 * views, read once (the project stream stays `dashboard <project>`). The overviews that span training and
 * inference (`efficiency`, `comparison`) are in dashboard-overview.ts.
 */
import type { Command } from 'commander';
import {
  getClusterUtilization,
  getDashboardDevices,
  getDashboardJobs,
  getDashboardProjects,
  getDashboardTasks,
  getTaskThroughput,
} from '@computeplane/sdk/dashboard';
import { action } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';
import { PROJECT_COLUMNS, round } from './projects-format.js';

/** `12.5 ms`; null stays null ('-'). */
export const ms = (value: number | null) => (value === null ? null : `${round(value)} ms`);
const percent = (value: number) => `${round(value * 100)}%`;

export function registerDashboardViews(dashboard: Command): void {
  withExamples(
    dashboard
      .command('devices')
      .description('your devices (the built-in one included) by platform: status, GPUs, tasks and latency')
      .action(
        action<[], object>(async (ctx) => {
          const stats = await ctx.call(getDashboardDevices(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(stats, () => {
            ctx.out.table(
              stats.platforms,
              [
                { header: 'PLATFORM', value: (p) => p.platform },
                { header: 'DEVICES', value: (p) => p.devices },
                { header: 'ONLINE', value: (p) => p.online },
                { header: 'BUSY', value: (p) => p.busy },
                { header: 'OFFLINE', value: (p) => p.offline },
                { header: 'GPU', value: (p) => p.gpu },
                { header: 'COMPLETED', value: (p) => p.tasks_completed },
                { header: 'FAILED', value: (p) => p.tasks_failed },
                { header: 'AVG LATENCY', value: (p) => ms(p.avg_latency_ms) },
              ],
              { empty: 'No devices.' },
            );
            ctx.out.line(ctx.out.color.dim(`${stats.total} device${stats.total === 1 ? '' : 's'} in all`));
          });
        }),
      ),
    ['computeplane dashboard devices', 'computeplane dashboard devices --json'],
  );

  withExamples(
    dashboard
      .command('jobs')
      .description('async, batch and training jobs of the last 5 days, most recently active first')
      .option('--type <type>', 'inference or training (default: both); the server checks the value')
      .action(
        action<[], { type?: string }>(async (ctx, flags) => {
          const query = { type: flags.type as 'inference' | 'training' | undefined };
          const body = await ctx.call(getDashboardJobs(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(body, () =>
            ctx.out.table(
              body.jobs,
              [
                { header: 'JOB', value: (j) => j.job_id },
                { header: 'KIND', value: (j) => j.kind },
                { header: 'STATUS', value: (j) => j.status },
                { header: 'PROGRESS', value: (j) => `${round(j.percent_complete)}%` },
                { header: 'TASKS', value: (j) => j.total_tasks },
                { header: 'COMPLETED', value: (j) => j.completed_tasks },
                { header: 'FAILED', value: (j) => j.failed_tasks },
                { header: 'MODEL', value: (j) => j.model_id },
                { header: 'PROJECT', value: (j) => j.project_id },
                { header: 'LAST ACTIVITY', value: (j) => j.last_activity_at },
              ],
              { empty: 'No jobs in the last 5 days.' },
            ),
          );
        }),
      ),
    [
      'computeplane dashboard jobs',
      'computeplane dashboard jobs --type training',
      'computeplane dashboard jobs --type inference --json',
    ],
  );

  withExamples(
    dashboard
      .command('projects')
      .description('the 50 most recent projects, active first')
      .action(
        action<[], object>(async (ctx) => {
          const body = await ctx.call(getDashboardProjects(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(body, () => ctx.out.table(body.projects, PROJECT_COLUMNS, { empty: 'No projects.' }));
        }),
      ),
    ['computeplane dashboard projects', 'computeplane dashboard projects --json'],
  );

  withExamples(
    dashboard
      .command('tasks')
      .description('recorded tasks across all projects (or one), newest first')
      .option('--project <id>', 'only this project')
      .option('--limit <n>', 'at most this many records (1-1000, default 100)', parseCount('--limit', { max: 1000 }))
      .action(
        action<[], { project?: string; limit?: number }>(async (ctx, flags) => {
          const query = { project_id: flags.project, limit: flags.limit };
          const body = await ctx.call(getDashboardTasks(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(body, () =>
            ctx.out.table(
              body.tasks,
              [
                { header: 'ID', value: (t) => t.id },
                { header: 'KIND', value: (t) => t.kind },
                { header: 'TASKS', value: (t) => t.tasks },
                { header: 'FAILED', value: (t) => t.failed },
                { header: 'LATENCY', value: (t) => ms(t.latency_ms) },
                { header: 'COMPUTE', value: (t) => ms(t.compute_ms) },
                { header: 'DEVICE', value: (t) => t.device_id },
                { header: 'ON', value: (t) => `${t.instance_type}/${t.processor}` },
                { header: 'PROJECT', value: (t) => t.project_id },
                { header: 'JOB', value: (t) => t.job_id },
                { header: 'FINISHED', value: (t) => t.finished_at },
              ],
              { empty: 'No task records.' },
            ),
          );
        }),
      ),
    [
      'computeplane dashboard tasks',
      'computeplane dashboard tasks --project proj_k3v9x2m4q7r8 --limit 20',
      'computeplane dashboard tasks --limit 1000 --json',
    ],
  );

  withExamples(
    dashboard
      .command('throughput')
      .description('ended tasks per time bucket over the last 300 buckets (buckets without tasks left out)')
      .option('--project <id>', 'only this project')
      .option(
        '--bucket-size <s>',
        'bucket size in seconds (1-86400, default 1)',
        parseCount('--bucket-size', { max: 86_400 }),
      )
      .action(
        action<[], { project?: string; bucketSize?: number }>(async (ctx, flags) => {
          const query = { project_id: flags.project, bucket_size: flags.bucketSize };
          const body = await ctx.call(getTaskThroughput(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(body, () =>
            ctx.out.table(
              body.buckets,
              [
                { header: 'BUCKET', value: (b) => b.timestamp },
                { header: 'COMPLETED', value: (b) => b.completed },
                { header: 'FAILED', value: (b) => b.failed },
                { header: 'TASKS/S', value: (b) => round(b.tasks_per_sec) },
                { header: 'AVG LATENCY', value: (b) => ms(b.avg_latency_ms) },
              ],
              { empty: `No tasks ended in the last 300 buckets of ${body.bucket_size} s.` },
            ),
          );
        }),
      ),
    [
      'computeplane dashboard throughput --bucket-size 60',
      'computeplane dashboard throughput --project proj_k3v9x2m4q7r8 --json',
    ],
  );

  withExamples(
    dashboard
      .command('utilization')
      .description("the cluster's use: devices, task slots, this server's CPU, GPUs and the jobs queued and running")
      .action(
        action<[], object>(async (ctx) => {
          const u = await ctx.call(getClusterUtilization(ctx.client, {}, { signal: ctx.signal }));
          const d = u.devices;
          ctx.out.result(u, () => {
            ctx.out.fields([
              ['devices', `${d.total} (${d.online} online: ${d.busy} busy, ${d.idle} idle; ${d.offline} offline)`],
              ['GPU devices', d.gpu],
              [
                'allocation',
                `${u.allocation.running_tasks} of ${u.allocation.capacity} task slots (${percent(u.allocation.utilization)})`,
              ],
              [
                'server CPU',
                `${percent(u.cpu.server_usage)} (load ${round(u.cpu.load_average_1m)} on ${u.cpu.server_cores} cores)`,
              ],
              ['device cores', u.cpu.device_cores],
              ['GPU', `${u.gpu.devices} devices, ${u.gpu.memory_bytes} bytes of memory`],
              ['GPU usage', u.gpu.usage === null ? null : percent(u.gpu.usage)],
              ['inference jobs', `${u.jobs.inference_queued} queued, ${u.jobs.inference_running} running`],
              ['training jobs', `${u.jobs.training_queued} queued, ${u.jobs.training_running} running`],
            ]);
            for (const note of u.notes) ctx.out.line(ctx.out.color.dim(`note: ${note}`));
          });
        }),
      ),
    ['computeplane dashboard utilization', 'computeplane dashboard utilization --json'],
  );
}
