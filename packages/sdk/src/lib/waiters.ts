/**
 * Waiters: poll one resource until it reaches a final state and return it. Every waiter is
 * `waitForX(client, id, options?: PollOptions)` (interval, deadline, AbortSignal) and throws the call's
 * typed error, a TimeoutError past `options.timeoutMs`, or an AbortedError.
 */
import { ComputeplaneError, pollUntil, type Computeplane, type PollOptions } from '../core/index.js';
import { getInferenceJob, type InferenceJob } from '../generated/inference.operations.js';
import { getSession, type Session } from '../generated/sessions.operations.js';

const FINISHED_JOB: InferenceJob['status'][] = ['completed', 'failed', 'cancelled'];
const STARTING_SESSION: Session['status'][] = ['pending', 'provisioning'];

/** Polls an inference job until it is completed, failed or cancelled, and returns it (`@computeplane/sdk/inference`). */
export function waitForInferenceJob(
  client: Computeplane,
  jobId: string,
  options: PollOptions = {},
): Promise<InferenceJob> {
  return pollUntil(
    () => getInferenceJob(client, { params: { path: { jobId }, query: { results_limit: 0 } } }),
    (job) => FINISHED_JOB.includes(job.status),
    options,
  );
}

/** The session ended (failed or stopped) before it became running. */
export class SessionNotRunningError extends ComputeplaneError {
  override name = 'SessionNotRunningError';
  constructor(readonly session: Session) {
    super(
      `Session ${session.id} is ${session.status}${session.failure_reason ? `: ${session.failure_reason}` : session.stop_reason ? ` (${session.stop_reason})` : ''}`,
    );
  }
}

/**
 * Polls until the session is `running` (SSH verified) and returns it; throws SessionNotRunningError if it
 * ends first (`@computeplane/sdk/sessions`).
 */
export async function waitForSessionRunning(
  client: Computeplane,
  sessionId: string,
  options: PollOptions = {},
): Promise<Session> {
  const session = await pollUntil(
    () => getSession(client, { params: { path: { id: sessionId } } }),
    (current) => !STARTING_SESSION.includes(current.status),
    options,
  );
  if (session.status !== 'running') throw new SessionNotRunningError(session);
  return session;
}
