/**
 * SDK internals, not exported from the package: what generated operations and hand-written helpers in
 * ../lib/ are built from (the per-area openapi-fetch client, the send pipeline, the typed `init` argument).
 */
export { areaClient } from './area-client.js';
export { send, type FetchHooks } from './send.js';
export type { InitOf } from './request-options.js';
export type { Computeplane } from '../core/client.js';
export type { RequestOptions } from '../core/request-options.js';
