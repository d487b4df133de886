/** The sessions area (openapi/sessions.yaml): GPU sessions and their costs, over the session broker. */
import type { Context } from 'hono';
import { tenantOf } from '../../../platform/auth/principal.js';
import { routes } from '../../../generated/routes/sessions.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { ApiProblem, notFound } from '../../../platform/http/problem.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { BrokerContext } from '../broker-context.js';
import type { SessionBroker } from '../session-broker.js';
import { probePort, probeSshBanner } from '../ssh-probe.js';
import { costHandlers } from './costs.js';
import { prepareSession, StaleOffer } from '../create-session.js';
import { apiEndpoint, formatDuration, toSession } from '../session-view.js';

const staleBody = (c: Context<AppEnv>, offerId: string, provider: string) => ({
  error: 'offer unavailable due to stale inventory',
  error_type: 'stale_inventory',
  offer_id: offerId,
  provider,
  retry_suggested: true,
  message: 'The selected offer is no longer available. Please refresh inventory and select a different offer.',
  request_id: c.get('requestId'),
});

export function sessionsArea(ctx: BrokerContext, broker: SessionBroker, ready: () => Promise<void>): { routes: typeof routes; handlers: Handlers<typeof routes> } {
  const load = async (c: Context<AppEnv>, id: string) => {
    const row = await ctx.repo.get(tenantOf(c.get('principal')), id);
    if (!row) throw notFound('Session', id);
    return row;
  };

  const handlers: Handlers<typeof routes> = {
    createSession: async (c) => {
      await ready();
      if (broker.state() === 'stopped') throw new ApiProblem(503, 'NOT_READY', 'The server is shutting down; retry on another replica', { headers: { 'Retry-After': '1' } });
      const body = c.req.valid('json');
      let input;
      try {
        input = await prepareSession(ctx, tenantOf(c.get('principal')), body);
      } catch (error) {
        if (error instanceof StaleOffer) return c.json(staleBody(c, error.offerId, error.provider), 503);
        throw error;
      }
      const outcome = await broker.create(input);
      if (outcome === 'conflict') {
        throw new ApiProblem(409, 'CONFLICT', `Consumer '${body.consumer_id}' already has an active session on offer '${body.offer_id}'; end it first or pick another offer`);
      }
      if (outcome.kind === 'stale') return c.json(staleBody(c, outcome.offerId, outcome.provider), 503);
      if (outcome.kind === 'failed') {
        throw new ApiProblem(503, 'PROVIDER_UNAVAILABLE', `Session '${outcome.row.id}' failed: ${outcome.reason}`, { headers: { 'Retry-After': '5' } });
      }
      c.header('Location', `/api/v1/sessions/${outcome.row.id}`);
      return c.json({ session: toSession(outcome.row, ctx.clock()), ssh_private_key: outcome.privateKey }, 201);
    },
    listSessions: async (c) => {
      const q = c.req.valid('query');
      const { rows, total } = await ctx.repo.list(
        tenantOf(c.get('principal')),
        { ...(q.consumer_id !== undefined ? { consumerId: q.consumer_id } : {}), ...(q.status !== undefined ? { status: q.status } : {}), ...(q.provider !== undefined ? { provider: q.provider } : {}) },
        { limit: q.limit, offset: q.offset },
      );
      const now = ctx.clock();
      return c.json({ sessions: rows.map((row) => toSession(row, now)), count: rows.length, total }, 200);
    },
    getSession: async (c) => {
      const row = await load(c, c.req.valid('param').id);
      // The owner has the create response: the one-time key reached it (see the never-collected rule).
      if (!row.keyCollectedAt) await ctx.repo.markKeyCollected(row.id, ctx.clock());
      return c.json(toSession(row, ctx.clock()), 200);
    },
    getSessionDiagnostics: async (c) => {
      const row = await load(c, c.req.valid('param').id);
      if (row.status !== 'running') throw new ApiProblem(400, 'SESSION_NOT_RUNNING', `Session '${row.id}' is ${row.status}; diagnostics are available while it is running`);
      if (!row.keyCollectedAt) await ctx.repo.markKeyCollected(row.id, ctx.clock());
      const endpoint = apiEndpoint(row);
      const port = endpoint ? Number(new URL(endpoint).port) : undefined;
      const [sshAvailable, portOpen] = await Promise.all([
        row.sshHost && row.sshPort ? probeSshBanner(row.sshHost, row.sshPort, 3_000) : false,
        row.sshHost && port ? probePort(row.sshHost, port, 3_000) : undefined,
      ]);
      const now = ctx.clock();
      const view = toSession(row, now);
      return c.json(
        {
          session_id: row.id,
          status: row.status,
          provider: view.provider,
          gpu_type: row.gpuType,
          gpu_count: row.gpuCount,
          ssh_host: row.sshHost,
          ssh_port: row.sshPort,
          ssh_user: row.sshUser,
          launch_mode: view.launch_mode,
          api_endpoint: endpoint ?? '',
          created_at: view.created_at,
          expires_at: view.expires_at,
          uptime: formatDuration(now.getTime() - (row.startedAt ?? row.createdAt).getTime()),
          time_to_expiry: formatDuration(Date.parse(view.expires_at) - now.getTime()),
          ssh_available: sshAvailable,
          last_activity_at: view.last_activity_at,
          note:
            portOpen === undefined
              ? 'ssh_available was measured now (the SSH port answered with an SSH banner). Full SSH diagnostics require client-side SSH access.'
              : `The entrypoint port ${port} ${portOpen ? 'accepts' : 'refuses'} connections (measured now). Full SSH diagnostics require client-side SSH access.`,
        },
        200,
      );
    },
    markSessionDone: async (c) => {
      const row = await load(c, c.req.valid('param').id);
      const stopping = await broker.done(row);
      if (!stopping) throw new ApiProblem(409, 'CONFLICT', `Session '${row.id}' is already ${row.status}`);
      return c.json({ message: 'session shutdown initiated', session_id: row.id }, 200);
    },
    extendSession: async (c) => {
      const row = await load(c, c.req.valid('param').id);
      const hours = c.req.valid('json').additional_hours;
      const extended = await broker.extend(row, hours);
      if (extended === 'ended') throw new ApiProblem(409, 'CONFLICT', `Session '${row.id}' is ${row.status}; only pending, provisioning or running sessions can be extended`);
      if (extended === 'hard_limit') {
        throw new ApiProblem(400, 'VALIDATION_ERROR', `additional_hours: sessions end at most 12 hours after creation (${row.hardExpiresAt.toISOString()}); at most ${Math.floor((row.hardExpiresAt.getTime() - row.expiresAt.getTime()) / 3_600_000)} more hours`);
      }
      return c.json({ message: 'session extended', session_id: row.id, new_expires_at: extended.expiresAt.toISOString() }, 200);
    },
    destroySession: async (c) => {
      const row = await load(c, c.req.valid('param').id);
      if (row.status === 'stopped' || row.status === 'failed') return c.json({ message: `session already ${row.status}`, session_id: row.id }, 200);
      const ended = await broker.destroy(row);
      const message = ended.status === 'stopping' ? 'session destroy failed at the provider; retrying in the background' : 'session destroyed';
      return c.json({ message, session_id: row.id }, 200);
    },
    ...costHandlers(ctx),
  };
  return { routes, handlers };
}
