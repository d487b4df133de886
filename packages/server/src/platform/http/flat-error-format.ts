/**
 * The instances family answers errors as instances.md shows them, `{code, message}` (the platform code in
 * lower case, e.g. `invalid_state`, `not_found`), with the request id and any field details kept. A 4xx
 * that a retry cannot fix carries `x-should-retry: false`: Stainless-generated clients otherwise retry 408,
 * 409 and 429 on their own. Which codes a retry can help with is the one `x-retryable` list of the spec
 * (GpuError.error_type), shared with the GPU format. Like gpu-error-format.ts, it rewrites the platform
 * envelope on the way out, so both shapes come from one error path.
 */
import type { MiddlewareHandler } from 'hono';
import { isRetryableGpuErrorType } from '../../generated/gpu-errors.js';
import type { AppEnv } from './app-env.js';

export const flatErrorFormat: MiddlewareHandler<AppEnv> = async (c, next) => {
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
  if (c.res.status < 500 && !isRetryableGpuErrorType(envelope.code)) headers.set('x-should-retry', 'false');
  c.res = new Response(
    JSON.stringify({
      code: envelope.code.toLowerCase(),
      message: envelope.message ?? 'Request failed',
      request_id: envelope.request_id ?? c.get('requestId'),
      ...(envelope.details ? { details: envelope.details } : {}),
    }),
    { status: c.res.status, headers },
  );
};
