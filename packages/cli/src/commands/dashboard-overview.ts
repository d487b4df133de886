/**
 * `computeplane dashboard efficiency|comparison`: the overviews that span the areas. `efficiency` is the
 * training aggregate with a line per chart (`efficiency chart <type>` draws one); `comparison` sets the
 * platform's own compute (aws) against user devices, for training and for the last 24 hours of inference.
 */
import type { Command } from 'commander';
import { getDashboardComparison, getDashboardEfficiency } from '@computeplane/sdk/dashboard';
import type { EfficiencyChart } from '@computeplane/sdk/efficiency';
import { action } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { ms } from './dashboard-views.js';
import { aggregateFields, printNotes } from './efficiency.js';

export function registerDashboardOverview(dashboard: Command): void {
  withExamples(
    dashboard
      .command('efficiency')
      .description('the training efficiency aggregate, with the size of the recent tta, scaling and power charts')
      .action(
        action<[], object>(async (ctx) => {
          const body = await ctx.call(getDashboardEfficiency(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(body, () => {
            const charts: [string, EfficiencyChart][] = [
              ['tta chart', body.tta],
              ['scaling chart', body.scaling],
              ['power chart', body.power],
            ];
            ctx.out.fields([
              ...aggregateFields(body.summary),
              ...charts.map(([name, chart]): [string, unknown] => [name, chartSize(chart)]),
            ]);
            printNotes(ctx, [...new Set([body.summary, ...charts.map(([, c]) => c)].flatMap((part) => part.notes))]);
          });
        }),
      ),
    ['computeplane dashboard efficiency', 'computeplane dashboard efficiency --json'],
  );

  withExamples(
    dashboard
      .command('comparison')
      .description('aws (built-in) compute against user devices: training, and inference of the last 24 hours')
      .action(
        action<[], object>(async (ctx) => {
          const body = await ctx.call(getDashboardComparison(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(body, () => {
            const [aws, user] = [aggregateFields(body.training.aws), aggregateFields(body.training.user)];
            const { aws: ia, user: iu } = body.inference;
            const rows: [string, unknown, unknown][] = [
              ...aws
                .slice(1)
                .map(([metric, value], i): [string, unknown, unknown] => [
                  `training ${metric}`,
                  value,
                  user[i + 1]![1],
                ]),
              ['inference tasks (24 h)', ia.tasks, iu.tasks],
              ['inference failed', ia.failed, iu.failed],
              ['inference avg latency', ms(ia.avg_latency_ms), ms(iu.avg_latency_ms)],
              ['inference p50 latency', ms(ia.p50_latency_ms), ms(iu.p50_latency_ms)],
              ['inference p95 latency', ms(ia.p95_latency_ms), ms(iu.p95_latency_ms)],
            ];
            ctx.out.table(rows, [
              { header: 'METRIC', value: (r) => r[0] },
              { header: 'AWS', value: (r) => r[1] },
              { header: 'USER', value: (r) => r[2] },
            ]);
            printNotes(ctx, [
              ...body.training.aws.notes.map((note) => `aws: ${note}`),
              ...body.training.user.notes.map((note) => `user: ${note}`),
            ]);
          });
        }),
      ),
    ['computeplane dashboard comparison', 'computeplane dashboard comparison --json'],
  );
}

/** `2 series, 14 points`, or `no points yet`. */
function chartSize(chart: EfficiencyChart): string {
  const points = chart.series.reduce((sum, series) => sum + series.points.length, 0);
  if (points === 0) return 'no points yet';
  return `${chart.series.length} series, ${points} point${points === 1 ? '' : 's'}`;
}
