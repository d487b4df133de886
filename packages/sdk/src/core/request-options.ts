/**
 * Per-call options accepted by every SDK function, and the typed `init` argument (path/query params,
 * body, headers) derived from the generated `paths` type of an area.
 */
import type { FetchOptions } from 'openapi-fetch';

export interface RequestOptions {
  /** Cancels the call, including any pending retry. */
  signal?: AbortSignal;
  /** Per-attempt timeout; overrides the client's. */
  timeoutMs?: number;
  /** Overrides the client's retry count for this call. */
  maxRetries?: number;
  /**
   * Idempotency key for POST requests. Default: a fresh UUID per call, reused by every retry of that call,
   * so a retried POST never does its work twice.
   */
  idempotencyKey?: string;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

type Operation<Paths, P extends keyof Paths, M extends keyof Paths[P]> = Paths[P][M] extends Record<string | number, unknown>
  ? Paths[P][M]
  : never;

export type InitOf<Paths, P extends keyof Paths, M extends keyof Paths[P]> = Pick<
  FetchOptions<Operation<Paths, P, M>>,
  'params' | 'body' | 'headers'
>;
