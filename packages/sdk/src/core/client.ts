/**
 * createClient(): the connection settings every SDK call needs (base URL, credentials, timeout, retries).
 * A client is a plain frozen object, so the area functions that take it stay standalone and tree-shakable.
 */

export type AuthStyle = 'x-api-key' | 'bearer';

export interface ClientOptions {
  /** Server root, e.g. `https://computeplane.example.com`. Default: `COMPUTEPLANE_BASE_URL` or `http://localhost:8080`. */
  baseUrl?: string;
  /** Tenant API key. Default: `COMPUTEPLANE_API_KEY`. */
  apiKey?: string;
  /** How the API key is sent: `X-API-Key` (default) or `Authorization: Bearer`. */
  authStyle?: AuthStyle;
  /** Operator key for the admin area (`X-Admin-Key`). */
  adminKey?: string;
  /** Device token (`X-SDK-Token`). */
  sdkToken?: string;
  /** Service-to-service token (`X-Internal-Token`). */
  internalToken?: string;
  /** Per-attempt timeout in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures (default 2). */
  maxRetries?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
}

export interface Computeplane {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly fetch: typeof fetch;
}

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];

export function createClient(options: ClientOptions = {}): Computeplane {
  const apiKey = options.apiKey ?? env('COMPUTEPLANE_API_KEY');
  const headers: Record<string, string> = {};
  if (apiKey) {
    if (options.authStyle === 'bearer') headers['Authorization'] = `Bearer ${apiKey}`;
    else headers['X-API-Key'] = apiKey;
  }
  if (options.adminKey) headers['X-Admin-Key'] = options.adminKey;
  if (options.sdkToken) headers['X-SDK-Token'] = options.sdkToken;
  if (options.internalToken) headers['X-Internal-Token'] = options.internalToken;
  Object.assign(headers, options.headers);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 2;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new RangeError(`maxRetries must be an integer >= 0, got ${maxRetries}`);
  return Object.freeze({
    baseUrl: (options.baseUrl ?? env('COMPUTEPLANE_BASE_URL') ?? 'http://localhost:8080').replace(/\/+$/, ''),
    headers: Object.freeze(headers),
    timeoutMs,
    maxRetries,
    fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init)),
  });
}
