/** The sessions area (openapi/sessions.yaml): GPU sessions and their costs, over the session broker. */
import type { Context } from 'hono';
import { tenantOf } from '../../../platform/auth/principal.js';
import { isRetryableGpuErrorType } from '../../../generated/gpu-errors.js';
import { routes } from '../../../generated/routes/sessions.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { ApiProblem } from '../../../platform/http/problem.js';
import { area } from '../../../platform/module.js';
import type { SessionUseCases } from '../session-use-cases.js';
import { costHandlers } from './costs.js';
import { StaleOffer } from '../create-session.js';
import { formatDuration, toSession } from '../session-view.js';

const staleBody = (c: Context<AppEnv>, offerId: string, provider: string) => ({
  error: 'offer unavailable due to stale inventory',
  error_type: 'stale_inventory',
  offer_id: offerId,
  provider,
  retry_suggested: isRetryableGpuErrorType('stale_inventory'),
  message: 'The selected offer is no longer available. Please refresh inventory and select a different offer.',
  request_id: c.get('requestId'),
});

export function sessionsArea(sessions: SessionUseCases) {
  return area('sessions', routes, {
    createSession: async (c) => {
      const body = c.req.valid('json');
      let outcome;
      try {
        outcome = await sessions.create(tenantOf(c.get('principal')), body);
      } catch (error) {
        if (error instanceof StaleOffer) return c.json(staleBody(c, error.offerId, error.provider), 503);
        throw error;
      }
      if (outcome === 'conflict') {
        throw new ApiProblem(
          409,
          'CONFLICT',
          `Consumer '${body.consumer_id}' already has an active session on offer '${body.offer_id}'; end it first or pick another offer`,
        );
      }
      if (outcome.kind === 'stale') return c.json(staleBody(c, outcome.offerId, outcome.provider), 503);
      if (outcome.kind === 'failed') {
        throw new ApiProblem(503, 'PROVIDER_UNAVAILABLE', `Session '${outcome.row.id}' failed: ${outcome.reason}`, {
          headers: { 'Retry-After': '5' },
        });
      }
      c.header('Location', `/api/v1/sessions/${outcome.row.id}`);
      return c.json({ session: toSession(outcome.row, sessions.now()), ssh_private_key: outcome.privateKey }, 201);
    },
    listSessions: async (c) => {
      const q = c.req.valid('query');
      const { rows, total } = await sessions.list(
        tenantOf(c.get('principal')),
        {
          ...(q.consumer_id !== undefined ? { consumerId: q.consumer_id } : {}),
          ...(q.status !== undefined ? { status: q.status } : {}),
          ...(q.provider !== undefined ? { provider: q.provider } : {}),
        },
        { limit: q.limit, offset: q.offset },
      );
      const now = sessions.now();
      return c.json({ sessions: rows.map((row) => toSession(row, now)), count: rows.length, total }, 200);
    },
    getSession: async (c) =>
      c.json(toSession(await sessions.get(tenantOf(c.get('principal')), c.req.valid('param').id), sessions.now()), 200),
    getSessionDiagnostics: async (c) => {
      const { row, endpoint, port, sshAvailable, portOpen } = await sessions.diagnose(
        tenantOf(c.get('principal')),
        c.req.valid('param').id,
      );
      const now = sessions.now();
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
      const row = await sessions.done(tenantOf(c.get('principal')), c.req.valid('param').id);
      return c.json({ message: 'session shutdown initiated', session_id: row.id }, 200);
    },
    extendSession: async (c) => {
      const { row, expiresAt } = await sessions.extend(
        tenantOf(c.get('principal')),
        c.req.valid('param').id,
        c.req.valid('json').additional_hours,
      );
      return c.json({ message: 'session extended', session_id: row.id, new_expires_at: expiresAt.toISOString() }, 200);
    },
    destroySession: async (c) => {
      const { row, outcome } = await sessions.destroy(tenantOf(c.get('principal')), c.req.valid('param').id);
      const message =
        outcome === 'already'
          ? `session already ${row.status}`
          : outcome === 'retrying'
            ? 'session destroy failed at the provider; retrying in the background'
            : 'session destroyed';
      return c.json({ message, session_id: row.id }, 200);
    },
    ...costHandlers(sessions),
  });
}
