/**
 * `computeplane usage summary|hourly|project`: the tenant's compute usage for billing (tasks, CPU and GPU
 * time, bytes, the estimated cost from the server's price table), in total, per UTC hour, or for one project.
 */
import type { Command } from 'commander';
import { getHourlyUsage, getProjectUsage, getUsage, type UsageFigures } from '@computeplane/sdk/usage';
import { action, type CommandContext } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';

export function registerUsage(program: Command): void {
  const usage = program
    .command('usage')
    .description("compute usage for billing: the tenant's totals, per hour, or one project's");

  withExamples(
    usage
      .command('summary')
      .description("the tenant's total usage: tasks, CPU and GPU time, bytes and estimated cost")
      .action(
        action<[], object>(async (ctx) => {
          const summary = await ctx.call(getUsage(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(summary, () =>
            printFigures(ctx, [['tenant', summary.tenant_id], ...hourSpan(summary)], summary.usage),
          );
        }),
      ),
    ['computeplane usage summary', 'computeplane usage summary --json'],
  );

  withExamples(
    usage
      .command('hourly')
      .description('usage per UTC hour, oldest first (the current hour included; hours without tasks as zeros)')
      .option('--hours <n>', 'hours to show, 1-72 (default 24)', parseCount('--hours', { max: 72 }))
      .action(
        action<[], { hours?: number }>(async (ctx, flags) => {
          const request = { params: { query: { hours: flags.hours } } };
          const hourly = await ctx.call(getHourlyUsage(ctx.client, request, { signal: ctx.signal }));
          ctx.out.result(hourly, () => {
            ctx.out.table(hourly.data, [
              { header: 'HOUR', value: (h) => h.hour },
              { header: 'TASKS', value: (h) => h.usage.tasks },
              { header: 'OK', value: (h) => h.usage.completed_tasks },
              { header: 'FAILED', value: (h) => h.usage.failed_tasks },
              { header: 'CPU MS', value: (h) => round(h.usage.cpu_ms) },
              { header: 'GPU MS', value: (h) => round(h.usage.gpu_ms) },
              { header: 'BYTES IN', value: (h) => h.usage.bytes_in },
              { header: 'BYTES OUT', value: (h) => h.usage.bytes_out },
              { header: 'COST', value: (h) => money(h.usage.estimated_cost.total, h.usage.estimated_cost.currency) },
            ]);
          });
        }),
      ),
    ['computeplane usage hourly', 'computeplane usage hourly --hours 72 --json'],
  );

  withExamples(
    usage
      .command('project')
      .description("one project's usage")
      .argument('<id>', 'the project id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const request = { params: { path: { id } } };
          const project = await ctx.call(getProjectUsage(ctx.client, request, { signal: ctx.signal }));
          ctx.out.result(project, () =>
            printFigures(ctx, [['project', project.project_id], ...hourSpan(project)], project.usage),
          );
        }),
      ),
    ['computeplane usage project proj_abc123', 'computeplane usage project proj_abc123 --json'],
  );
}

const round = (value: number) => Number(value.toFixed(3));
const hours = (value: number) => Number(value.toPrecision(3));

/** An amount of money: two decimals, or `< 0.01` for a positive amount that rounds to nothing. */
const money = (amount: number, currency: string) =>
  amount > 0 && amount < 0.005 ? `< 0.01 ${currency}` : `${amount.toFixed(2)} ${currency}`;

const hourSpan = (usage: { first_hour: string | null; last_hour: string | null }): [string, unknown][] => [
  ['first hour', usage.first_hour ?? 'no activity'],
  ['last hour', usage.last_hour ?? 'no activity'],
];

function printFigures(ctx: CommandContext, head: [string, unknown][], u: UsageFigures): void {
  const cost = u.estimated_cost;
  ctx.out.fields([
    ...head,
    ['tasks', `${u.tasks} (${u.completed_tasks} completed, ${u.failed_tasks} failed)`],
    ['cpu', `${u.cpu_tasks} tasks, ${round(u.cpu_ms)} ms (${hours(u.cpu_hours)} h)`],
    ['gpu', `${u.gpu_tasks} tasks, ${round(u.gpu_ms)} ms (${hours(u.gpu_hours)} h)`],
    ['bytes in', u.bytes_in],
    ['bytes out', u.bytes_out],
    [
      'estimated cost',
      `${money(cost.total, cost.currency)} (cpu ${money(cost.cpu, cost.currency)} at ${cost.cpu_price_per_hour}/h, ` +
        `gpu ${money(cost.gpu, cost.currency)} at ${cost.gpu_price_per_hour}/h)`,
    ],
  ]);
}
