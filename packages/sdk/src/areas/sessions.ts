/**
 * `@computeplane/sdk/sessions`: GPU sessions (rent an offer, get SSH access, extend, end) and their
 * costs (`getCosts`, `getCostSummary`: openapi/sessions.yaml declares the costs paths), plus helpers that
 * wait until a session is `running` and iterate over sessions page by page.
 * The 201 of createSession carries the one-time `ssh_private_key`: keep it; a retry with the same
 * Idempotency-Key (the SDK reuses one per call) replays the same response.
 */
export * from '../generated/sessions.operations.js';
export { iterateSessions, type SessionFilters } from '../lib/iterators.js';
export { SessionNotRunningError, waitForSessionRunning } from '../lib/waiters.js';
