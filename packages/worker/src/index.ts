/** `@computeplane/worker`: the device runtime, for embedding (the CLI is main.ts). */
export { startDeviceWorker } from './device-worker.js';
export { createLogRing, type LogRing } from './log-ring.js';
export { parseOptions, type WorkerOptions } from './options.js';
export { backoffDelay } from './backoff.js';
export { startPeer } from './peer.js';
