/** GET /costs and /costs/summary: per-second session costs, per session, consumer, period, provider and GPU type. */
import { tenantOf } from '../../../platform/auth/principal.js';
import type { routes } from '../../../generated/routes/sessions.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { SessionUseCases } from '../session-use-cases.js';

export function costHandlers(sessions: SessionUseCases): Pick<Handlers<typeof routes>, 'getCosts' | 'getCostSummary'> {
  return {
    getCosts: async (c) => {
      const q = c.req.valid('query');
      const tenantId = tenantOf(c.get('principal'));
      if (q.session_id !== undefined) {
        const { row, usage } = await sessions.sessionCost(tenantId, q.session_id);
        return c.json(
          { session_id: row.id, total_cost: usage.cost, currency: 'USD' as const, hours_used: usage.hours },
          200,
        );
      }
      const totals = await sessions.costs(tenantId, q);
      const { periods, ...rest } = totals;
      return c.json(
        {
          consumer_id: q.consumer_id ?? '',
          currency: 'USD' as const,
          ...rest,
          start_date: q.start_date ?? null,
          end_date: q.end_date ?? null,
          ...(q.period ? { periods } : {}),
        },
        200,
      );
    },
    getCostSummary: async (c) => {
      const q = c.req.valid('query');
      const { totals: all, start, last } = await sessions.monthCosts(tenantOf(c.get('principal')), q.consumer_id);
      const { periods: _periods, ...totals } = all;
      return c.json(
        {
          consumer_id: q.consumer_id ?? '',
          currency: 'USD' as const,
          ...totals,
          start_date: start.toISOString().slice(0, 10),
          end_date: last.toISOString().slice(0, 10),
        },
        200,
      );
    },
  };
}
