/**
 * `@computeplane/sdk/sessions`: GPU sessions (rent an offer, get SSH access, extend, end) and their
 * costs, plus helpers that wait until a session is `running` and iterate over sessions page by page.
 * The 201 of createSession carries the one-time `ssh_private_key`: keep it; a retry with the same
 * Idempotency-Key (the SDK reuses one per call) replays the same response.
 */
import { ComputeplaneError, paginate, pollUntil, type Computeplane, type PollOptions } from '../core/index.js';
import { getSession, listSessions, type Session } from '../generated/sessions.operations.js';
import type { paths } from '../generated/sessions.js';

export * from '../generated/sessions.operations.js';

/** The session ended (failed or stopped) before it became running. */
export class SessionNotRunningError extends ComputeplaneError {
  override name = 'SessionNotRunningError';
  constructor(readonly session: Session) {
    super(`Session ${session.id} is ${session.status}${session.failure_reason ? `: ${session.failure_reason}` : session.stop_reason ? ` (${session.stop_reason})` : ''}`);
  }
}

/** Polls until the session is `running` (SSH verified) and returns it; throws SessionNotRunningError if it ends first. */
export async function waitForSessionRunning(client: Computeplane, sessionId: string, options: PollOptions = {}): Promise<Session> {
  const session = await pollUntil(
    () => getSession(client, { params: { path: { id: sessionId } } }),
    (current) => !['pending', 'provisioning'].includes(current.status),
    options,
  );
  if (session.status !== 'running') throw new SessionNotRunningError(session);
  return session;
}

type SessionQuery = NonNullable<paths['/api/v1/sessions']['get']['parameters']['query']>;

/** Every session matching the filters, newest first, fetched page by page. */
export function iterateSessions(client: Computeplane, filters: Omit<SessionQuery, 'limit' | 'offset'> = {}, pageSize = 100) {
  return paginate((page) => listSessions(client, { params: { query: { ...filters, ...page } } }), (body) => body.sessions, { pageSize });
}
