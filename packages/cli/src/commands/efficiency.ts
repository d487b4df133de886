/**
 * `computeplane efficiency summary|compare|chart|active|job`: training efficiency computed from what training
 * jobs recorded at their checkpoints (throughput, time-to-accuracy, scaling efficiency, power). A figure the
 * server cannot measure is null ('-' here), and the API's notes say why.
 */
import type { Command } from 'commander';
import {
  getActiveRuns,
  getEfficiency,
  getEfficiencyChart,
  getEfficiencyComparison,
  getJobEfficiency,
  type EfficiencyAggregate,
} from '@computeplane/sdk/efficiency';
import { action, type CommandContext } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { printChart, round } from './efficiency-chart.js';
import { formatPercent } from './train-progress.js';

/** The server checks the chart type and the instance type (a 400 VALIDATION_ERROR), as for every enum flag. */
type ChartType = 'tta' | 'throughput' | 'scaling' | 'power';

export function registerEfficiency(program: Command): void {
  const efficiency = program
    .command('efficiency')
    .description('training efficiency: throughput, time-to-accuracy, scaling and power, per job and in aggregate');

  withExamples(
    efficiency
      .command('summary')
      .description("aggregate efficiency of the tenant's training jobs")
      .option(
        '--instance-type <type>',
        'only jobs on aws (the built-in engine) or user devices (default: all); the server checks the value',
      )
      .action(
        action<[], { instanceType?: string }>(async (ctx, flags) => {
          const query = { instance_type: flags.instanceType as 'aws' | 'user' | undefined };
          const summary = await ctx.call(getEfficiency(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(summary, () => {
            ctx.out.fields(aggregateFields(summary));
            printNotes(ctx, summary.notes);
          });
        }),
      ),
    [
      'computeplane efficiency summary',
      'computeplane efficiency summary --instance-type user',
      'computeplane efficiency summary --json',
    ],
  );

  withExamples(
    efficiency
      .command('compare')
      .description('aws (built-in) jobs and user-device jobs side by side')
      .action(
        action<[], object>(async (ctx) => {
          const comparison = await ctx.call(getEfficiencyComparison(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(comparison, () => {
            const [aws, user] = [aggregateFields(comparison.aws), aggregateFields(comparison.user)];
            const rows = aws.slice(1).map(([metric, value], i) => ({ metric, aws: value, user: user[i + 1]![1] }));
            ctx.out.table(rows, [
              { header: 'METRIC', value: (r) => r.metric },
              { header: 'AWS', value: (r) => r.aws },
              { header: 'USER', value: (r) => r.user },
            ]);
            printNotes(ctx, [
              ...comparison.aws.notes.map((note) => `aws: ${note}`),
              ...comparison.user.notes.map((note) => `user: ${note}`),
            ]);
          });
        }),
      ),
    ['computeplane efficiency compare', 'computeplane efficiency compare --json'],
  );

  withExamples(
    efficiency
      .command('chart')
      .description('a chart of every job: drawn on a terminal, a table of points otherwise')
      .argument(
        '<type>',
        'tta (accuracy over time), throughput (samples/s over time), scaling (samples/s per device count) or power (watts over time)',
      )
      .action(
        action<[ChartType], object>(async (ctx, type) => {
          const chart = await ctx.call(
            getEfficiencyChart(ctx.client, { params: { path: { type } } }, { signal: ctx.signal }),
          );
          ctx.out.result(chart, () => printChart(ctx, chart));
        }),
      ),
    [
      'computeplane efficiency chart tta',
      'computeplane efficiency chart throughput | sort -k3 -n',
      'computeplane efficiency chart scaling --json',
    ],
  );

  withExamples(
    efficiency
      .command('active')
      .description('training and async or batch inference jobs queued or running, with their current rates')
      .action(
        action<[], object>(async (ctx) => {
          const active = await ctx.call(getActiveRuns(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(active, () =>
            ctx.out.table(
              active.runs,
              [
                { header: 'JOB', value: (r) => r.job_id },
                { header: 'KIND', value: (r) => r.kind },
                { header: 'STATUS', value: (r) => r.status },
                { header: 'PROGRESS', value: (r) => `${r.percent_complete.toFixed(1)}%` },
                { header: 'RATE', value: (r) => rate(r.rate, r.rate_unit) },
                { header: 'DEVICES', value: (r) => r.devices },
                { header: 'ACCURACY', value: (r) => (r.accuracy === null ? null : formatPercent(r.accuracy)) },
                { header: 'LOSS', value: (r) => (r.loss === null ? null : round(r.loss)) },
                { header: 'PROJECT', value: (r) => r.project_id },
                { header: 'STARTED', value: (r) => r.started_at },
              ],
              { empty: 'No active runs.' },
            ),
          );
        }),
      ),
    ['computeplane efficiency active', 'computeplane efficiency active --json'],
  );

  withExamples(
    efficiency
      .command('job')
      .description("one training job's efficiency: time-to-accuracy, throughput, scaling and power")
      .argument('<jobId>', 'the training job (train_...)')
      .action(
        action<[string], object>(async (ctx, jobId) => {
          const job = await ctx.call(
            getJobEfficiency(ctx.client, { params: { path: { jobId } } }, { signal: ctx.signal }),
          );
          const last = job.checkpoints.at(-1);
          ctx.out.result(job, () => {
            ctx.out.fields([
              ['job', job.job_id],
              ['status', job.status],
              ['model', job.model_id],
              ['instance type', job.instance_type],
              ['devices', job.devices],
              ['samples trained', job.samples_trained],
              ['elapsed', seconds(job.elapsed_seconds)],
              ['throughput', rate(job.samples_per_sec, 'samples_per_sec')],
              ['target accuracy', percent(job.target_accuracy)],
              ['best accuracy', percent(job.best_accuracy)],
              ['time to accuracy', seconds(job.tta_seconds)],
              ['scaling efficiency', percent(job.scaling_efficiency)],
              ['power', job.power_watts === null ? null : `${round(job.power_watts)} W`],
              ['checkpoints', last ? `${job.checkpoints.length} (last at ${last.at})` : 0],
            ]);
            printNotes(ctx, job.notes);
          });
        }),
      ),
    ['computeplane efficiency job train_k3v9x2m4q7r8', 'computeplane efficiency job train_k3v9x2m4q7r8 --json'],
  );
}

/** The aggregate as key/value pairs; the first is the instance type (`compare` puts it in the header). */
export function aggregateFields(a: EfficiencyAggregate): [string, unknown][] {
  return [
    ['instance type', a.instance_type],
    ['jobs', `${a.jobs} (${a.completed_jobs} completed, ${a.active_jobs} active)`],
    ['samples trained', a.samples_trained],
    ['avg throughput', rate(a.avg_samples_per_sec, 'samples_per_sec')],
    ['best throughput', rate(a.best_samples_per_sec, 'samples_per_sec')],
    ['avg time to accuracy', seconds(a.avg_tta_seconds)],
    ['reached target', `${a.jobs_reaching_target} of ${a.jobs} jobs`],
    ['avg scaling efficiency', percent(a.avg_scaling_efficiency)],
    ['avg power', a.avg_power_watts === null ? null : `${round(a.avg_power_watts)} W`],
  ];
}

export function printNotes(ctx: CommandContext, notes: string[]): void {
  for (const note of notes) ctx.out.line(ctx.out.color.dim(`note: ${note}`));
}

const rate = (value: number | null, unit: 'samples_per_sec' | 'tasks_per_sec') =>
  value === null ? null : `${round(value)} ${unit === 'samples_per_sec' ? 'samples/s' : 'tasks/s'}`;
const seconds = (value: number | null) => (value === null ? null : `${round(value)} s`);
const percent = (value: number | null) => (value === null ? null : formatPercent(value));
