/**
 * One way for an area family to answer errors in its own body: everything upstream (auth, validation, not
 * found, problems thrown by handlers) produces the platform envelope, and a middleware made here, mounted on
 * the family's paths (error-format.ts), rewrites it on the way out. So every error body comes from one error
 * path, and a format is only its shape (gpu-error-format.ts, flat-error-format.ts).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';

/** The platform envelope's error, as a format reads it. */
export interface EnvelopeError {
  code: string;
  message?: string;
  request_id?: string;
  details?: unknown;
}

/** Builds a format's body (and may set headers) from the envelope's error and the response status. */
export type ErrorShape = (error: EnvelopeError, status: number, requestId: string, headers: Headers) => object;

export function rewriteErrors(shape: ErrorShape): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.res.status < 400 || !c.res.headers.get('content-type')?.includes('json')) return;
    const body = (await c.res
      .clone()
      .json()
      .catch(() => undefined)) as { error?: Partial<EnvelopeError> } | undefined;
    const envelope = body?.error;
    if (!envelope || typeof envelope !== 'object' || typeof envelope.code !== 'string') return;
    const headers = new Headers(c.res.headers);
    const requestId = envelope.request_id ?? c.get('requestId');
    const shaped = shape(envelope as EnvelopeError, c.res.status, requestId, headers);
    c.res = new Response(JSON.stringify(shaped), { status: c.res.status, headers });
  };
}
