/**
 * The GPU marketplace areas answer errors in the body gpu-sessions.md shows, `{error, request_id,
 * error_type, retry_suggested}`, instead of the platform envelope. Everything upstream (auth, validation,
 * not found, problems thrown by handlers) still produces the platform envelope; this middleware, mounted
 * on those areas' paths (error-format.ts), rewrites it on the way out, so both shapes come from one error
 * path. Which error types are worth retrying is the spec's `x-retryable` list (GpuError.error_type).
 */
import type { MiddlewareHandler } from 'hono';
import { isRetryableGpuErrorType } from '../../generated/gpu-errors.js';
import type { AppEnv } from './app-env.js';

export const gpuErrorFormat: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status < 400 || !c.res.headers.get('content-type')?.includes('json')) return;
  const body = (await c.res
    .clone()
    .json()
    .catch(() => undefined)) as
    { error?: { code?: string; message?: string; request_id?: string; details?: unknown } } | undefined;
  const envelope = body?.error;
  if (!envelope || typeof envelope !== 'object' || typeof envelope.code !== 'string') return;
  const headers = new Headers(c.res.headers);
  c.res = new Response(
    JSON.stringify({
      error: envelope.message ?? 'Request failed',
      request_id: envelope.request_id ?? c.get('requestId'),
      error_type: envelope.code.toLowerCase(),
      retry_suggested: isRetryableGpuErrorType(envelope.code) || c.res.status >= 500,
      ...(envelope.details ? { details: envelope.details } : {}),
    }),
    { status: c.res.status, headers },
  );
};
