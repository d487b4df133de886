/** RequestOptions: the per-call options (signal, timeout, retries, idempotency key, headers) every SDK function takes. */

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
