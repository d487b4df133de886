/** `computeplane costs`: what GPU sessions cost, per session, per consumer, per day or month. */
import type { Command } from 'commander';
import { getCostSummary, getCosts, type CostSummary, type SessionCost } from '@computeplane/sdk/sessions';
import { action, type CommandContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';

interface CostFlags {
  session?: string;
  consumer?: string;
  from?: string;
  to?: string;
  period?: string;
  month?: boolean;
}

export function registerCosts(program: Command): void {
  withExamples(
    program
      .command('costs')
      .description("GPU session costs: one session's, or a summary by provider and GPU type")
      .option('--session <id>', "only this session's cost so far")
      .option('--consumer <id>', "only this consumer's sessions")
      .option('--from <date>', 'first day, YYYY-MM-DD (UTC)')
      .option('--to <date>', 'last day, YYYY-MM-DD (UTC), inclusive')
      .option('--period <period>', 'also list each day or month: daily or monthly')
      .option('--month', "this calendar month's summary (UTC)")
      .action(
        action<[], CostFlags>(async (ctx, flags) => {
          if (flags.month && (flags.session || flags.from || flags.to || flags.period))
            throw new UsageError('--month takes only --consumer; leave out --session, --from, --to and --period');
          for (const [flag, value] of [
            ['--from', flags.from],
            ['--to', flags.to],
          ] as const)
            if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value))
              throw new UsageError(`${flag} takes a date as YYYY-MM-DD, got "${value}"`);
          const options = { signal: ctx.signal };
          if (flags.month) {
            const query = { consumer_id: flags.consumer };
            const summary = await ctx.call(getCostSummary(ctx.client, { params: { query } }, options));
            ctx.out.result(summary, () => printSummary(ctx, summary));
            return;
          }
          const query = {
            session_id: flags.session,
            consumer_id: flags.consumer,
            start_date: flags.from,
            end_date: flags.to,
            period: flags.period as 'daily' | undefined,
          };
          const costs = await ctx.call(getCosts(ctx.client, { params: { query } }, options));
          ctx.out.result(costs, () => {
            if ('session_id' in costs) printSessionCost(ctx, costs);
            else printSummary(ctx, costs);
          });
        }),
      ),
    [
      'computeplane costs',
      'computeplane costs --session sess-abc123',
      'computeplane costs --from 2026-01-01 --to 2026-01-31 --period daily',
      'computeplane costs --month --consumer my-application --json',
    ],
  );
}

function printSessionCost(ctx: CommandContext, cost: SessionCost): void {
  ctx.out.fields([
    ['session', cost.session_id],
    ['cost', `${cost.total_cost} ${cost.currency}`],
    ['hours', cost.hours_used],
  ]);
}

function printSummary(ctx: CommandContext, summary: CostSummary): void {
  const money = (value: number) => `${value.toFixed(4)} ${summary.currency}`;
  ctx.out.fields([
    ['consumer', summary.consumer_id || 'all'],
    ['from', summary.start_date ?? 'the beginning'],
    ['to', summary.end_date ?? 'now'],
    ['cost', money(summary.total_cost)],
    ['sessions', summary.session_count],
    ['hours', summary.hours_used],
  ]);
  const split = (title: string, values: Record<string, number>) => {
    if (Object.keys(values).length === 0) return;
    ctx.out.line();
    ctx.out.table(Object.entries(values), [
      { header: title, value: ([name]) => name },
      { header: 'COST', value: ([, value]) => money(value) },
    ]);
  };
  split('PROVIDER', summary.by_provider);
  split('GPU', summary.by_gpu_type);
  if (summary.periods && summary.periods.length > 0) {
    ctx.out.line();
    ctx.out.table(summary.periods, [
      { header: 'PERIOD', value: (p) => p.period },
      { header: 'COST', value: (p) => money(p.total_cost) },
      { header: 'SESSIONS', value: (p) => p.session_count },
      { header: 'HOURS', value: (p) => p.hours_used },
    ]);
  }
}
