/**
 * Test controls shared by the provider fakes: a request log, an injected delay, injected failures
 * (status code, optional Retry-After, optionally only for paths containing a string), and the provider's
 * Bearer-key check. Installed as the first middleware of a fake's Hono app.
 */
import type { Context, MiddlewareHandler } from 'hono';

export interface FakeControls {
  requests: { method: string; path: string }[];
  delayMs: number;
  failNext(count: number, status: number, options?: { retryAfter?: number; match?: string }): void;
}

export function fakeControls(
  apiKey: string,
  failureBody: (c: Context) => unknown,
  unauthorized: (c: Context) => Response,
): {
  controls: FakeControls;
  middleware: MiddlewareHandler;
} {
  const failures: { status: number; retryAfter?: number; match?: string }[] = [];
  const controls: FakeControls = {
    requests: [],
    delayMs: 0,
    failNext(count, status, options = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, ...options });
    },
  };
  const middleware: MiddlewareHandler = async (c, next) => {
    controls.requests.push({ method: c.req.method, path: c.req.path });
    if (controls.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, controls.delayMs));
    const index = failures.findIndex((failure) => !failure.match || c.req.path.includes(failure.match));
    if (index >= 0) {
      const [failure] = failures.splice(index, 1);
      if (failure!.retryAfter !== undefined) c.header('Retry-After', String(failure!.retryAfter));
      return c.json(failureBody(c), failure!.status as 429);
    }
    if (c.req.header('authorization') !== `Bearer ${apiKey}`) return unauthorized(c);
    return next();
  };
  return { controls, middleware };
}
