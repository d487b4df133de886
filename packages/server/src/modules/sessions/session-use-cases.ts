/**
 * The GPU session use-cases, within one tenant: create (checked against the inventory and templates,
 * then handed to the broker), list, read (a read collects the one-time key), probe, end, extend,
 * destroy, and the per-second costs of sessions.
 */
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { BrokerContext } from './broker-context.js';
import { sessionUsage, summarize } from './costs.js';
import { prepareSession } from './create-session.js';
import type { SessionBroker } from './session-broker.js';
import type { SessionFilters, SessionRow } from './session-repository.js';
import { probePort, probeSshBanner } from './ssh-probe.js';
import { apiEndpoint } from './session-view.js';

const day = (text: string, name: string) => {
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text)
    throw new ApiProblem(400, 'VALIDATION_ERROR', `${name}: '${text}' is not a date (YYYY-MM-DD)`);
  return date;
};

export function sessionUseCases(ctx: BrokerContext, broker: SessionBroker, ready: () => Promise<void>) {
  async function load(tenantId: string, id: string): Promise<SessionRow> {
    const row = await ctx.repo.get(tenantId, id);
    if (!row) throw notFound('Session', id);
    return row;
  }
  /** The owner has the create response: the one-time key reached it (see the never-collected rule). */
  const collected = async (row: SessionRow) => {
    if (!row.keyCollectedAt) await ctx.repo.markKeyCollected(row.id, ctx.clock());
  };

  return {
    now: () => ctx.clock(),
    /** Prepares and starts a session; StaleOffer (thrown) and the broker's outcomes are the caller's to answer. */
    async create(tenantId: string, body: Parameters<typeof prepareSession>[2]) {
      await ready();
      if (broker.state() === 'stopped')
        throw new ApiProblem(503, 'NOT_READY', 'The server is shutting down; retry on another replica', {
          headers: { 'Retry-After': '1' },
        });
      return broker.create(await prepareSession(ctx, tenantId, body));
    },
    list: (tenantId: string, filters: SessionFilters, page: { limit: number; offset: number }) =>
      ctx.repo.list(tenantId, filters, page),
    async get(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      await collected(row);
      return row;
    },
    /** A running session with what was measured now: whether SSH answers, and the entrypoint port. */
    async diagnose(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      if (row.status !== 'running')
        throw new ApiProblem(
          400,
          'SESSION_NOT_RUNNING',
          `Session '${row.id}' is ${row.status}; diagnostics are available while it is running`,
        );
      await collected(row);
      const endpoint = apiEndpoint(row);
      const port = endpoint ? Number(new URL(endpoint).port) : undefined;
      const [sshAvailable, portOpen] = await Promise.all([
        row.sshHost && row.sshPort ? probeSshBanner(row.sshHost, row.sshPort, 3_000) : false,
        row.sshHost && port ? probePort(row.sshHost, port, 3_000) : undefined,
      ]);
      return { row, endpoint, port, sshAvailable, portOpen };
    },
    async done(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      if (!(await broker.done(row)))
        throw new ApiProblem(409, 'CONFLICT', `Session '${row.id}' is already ${row.status}`);
      return row;
    },
    async extend(tenantId: string, id: string, hours: number) {
      const row = await load(tenantId, id);
      const extended = await broker.extend(row, hours);
      if (extended === 'ended')
        throw new ApiProblem(
          409,
          'CONFLICT',
          `Session '${row.id}' is ${row.status}; only pending, provisioning or running sessions can be extended`,
        );
      if (extended === 'hard_limit') {
        throw new ApiProblem(
          400,
          'VALIDATION_ERROR',
          `additional_hours: sessions end at most 12 hours after creation (${row.hardExpiresAt.toISOString()}); at most ${Math.floor((row.hardExpiresAt.getTime() - row.expiresAt.getTime()) / 3_600_000)} more hours`,
        );
      }
      return { row, expiresAt: extended.expiresAt };
    },
    /** Ends the session now; `already` when it had ended, `retrying` when the provider refused and the broker retries. */
    async destroy(
      tenantId: string,
      id: string,
    ): Promise<{ row: SessionRow; outcome: 'already' | 'destroyed' | 'retrying' }> {
      const row = await load(tenantId, id);
      if (row.status === 'stopped' || row.status === 'failed') return { row, outcome: 'already' };
      const ended = await broker.destroy(row);
      return { row, outcome: ended.status === 'stopping' ? 'retrying' : 'destroyed' };
    },
    async sessionCost(tenantId: string, sessionId: string) {
      const row = await load(tenantId, sessionId);
      return { row, usage: sessionUsage(row, ctx.clock()) };
    },
    /** Costs of a consumer's sessions between two days (inclusive), optionally per period. */
    async costs(
      tenantId: string,
      q: { consumer_id?: string; start_date?: string; end_date?: string; period?: Parameters<typeof summarize>[3] },
    ) {
      const start = q.start_date !== undefined ? day(q.start_date, 'start_date') : null;
      const endDay = q.end_date !== undefined ? day(q.end_date, 'end_date') : null;
      const end = endDay ? new Date(endDay.getTime() + 86_400_000) : null;
      if (start && end && start >= end)
        throw new ApiProblem(400, 'VALIDATION_ERROR', 'end_date: must not be before start_date');
      const rows = await ctx.repo.billed(tenantId, q.consumer_id, start, end);
      return summarize(rows, { start, end }, ctx.clock(), q.period);
    },
    /** This calendar month's costs (UTC) of a consumer's sessions. */
    async monthCosts(tenantId: string, consumerId: string | undefined) {
      const now = ctx.clock();
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      const rows = await ctx.repo.billed(tenantId, consumerId, start, end);
      return { totals: summarize(rows, { start, end }, now), start, last: new Date(end.getTime() - 86_400_000) };
    },
  };
}

export type SessionUseCases = ReturnType<typeof sessionUseCases>;
