/**
 * `@computeplane/sdk/pods`: labs (settings, events, month costs) and GPU pods (create, list, get, start,
 * stop, restart, terminate, SSH details, costs), plus `waitForPod(client, id, status)`.
 * The 201 of createPod carries the one-time `sshPrivateKey`: keep it; a retry with the same
 * Idempotency-Key (the SDK reuses one per call) replays the same response.
 */
export * from '../generated/pods.operations.js';
export { PodStatusError, waitForPod } from '../lib/pod-waiters.js';
