/** GET /costs and /costs/summary: per-second session costs, per session, consumer, period, provider and GPU type. */
import { tenantOf } from '../../../platform/auth/principal.js';
import type { routes } from '../../../generated/routes/sessions.js';
import { ApiProblem, notFound } from '../../../platform/http/problem.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { BrokerContext } from '../broker-context.js';
import { sessionUsage, summarize } from '../costs.js';

const day = (text: string, name: string) => {
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) throw new ApiProblem(400, 'VALIDATION_ERROR', `${name}: '${text}' is not a date (YYYY-MM-DD)`);
  return date;
};

export function costHandlers(ctx: BrokerContext): Pick<Handlers<typeof routes>, 'getCosts' | 'getCostSummary'> {
  return {
    getCosts: async (c) => {
      const q = c.req.valid('query');
      const tenantId = tenantOf(c.get('principal'));
      const now = ctx.clock();
      if (q.session_id !== undefined) {
        const row = await ctx.repo.get(tenantId, q.session_id);
        if (!row) throw notFound('Session', q.session_id);
        const usage = sessionUsage(row, now);
        return c.json({ session_id: row.id, total_cost: usage.cost, currency: 'USD' as const, hours_used: usage.hours }, 200);
      }
      const start = q.start_date !== undefined ? day(q.start_date, 'start_date') : null;
      const endDay = q.end_date !== undefined ? day(q.end_date, 'end_date') : null;
      const end = endDay ? new Date(endDay.getTime() + 86_400_000) : null;
      if (start && end && start >= end) throw new ApiProblem(400, 'VALIDATION_ERROR', 'end_date: must not be before start_date');
      const rows = await ctx.repo.billed(tenantId, q.consumer_id, start, end);
      const totals = summarize(rows, { start, end }, now, q.period);
      const { periods, ...rest } = totals;
      return c.json(
        { consumer_id: q.consumer_id ?? '', currency: 'USD' as const, ...rest, start_date: q.start_date ?? null, end_date: q.end_date ?? null, ...(q.period ? { periods } : {}) },
        200,
      );
    },
    getCostSummary: async (c) => {
      const q = c.req.valid('query');
      const now = ctx.clock();
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      const rows = await ctx.repo.billed(tenantOf(c.get('principal')), q.consumer_id, start, end);
      const { periods: _periods, ...totals } = summarize(rows, { start, end }, now);
      const last = new Date(end.getTime() - 86_400_000);
      return c.json({ consumer_id: q.consumer_id ?? '', currency: 'USD' as const, ...totals, start_date: start.toISOString().slice(0, 10), end_date: last.toISOString().slice(0, 10) }, 200);
    },
  };
}
