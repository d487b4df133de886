/**
 * First middleware of every request: gives it an id (`X-Request-Id`, echoed when the client sent a
 * sane one) and writes one structured access-log line, carrying that id, when it ends.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from './app-env.js';
import { requestId } from './ids.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : requestId();
    // The server's logger, not a per-request child: building a child costs more than the lines it saves;
    // every line written for a request carries `requestId` itself.
    c.set('requestId', id);
    c.set('logger', logger);
    c.set('principal', { kind: 'anonymous' });
    // Set before the response exists, so every response built through the context carries it without
    // the response being rebuilt afterwards (handlers returning a raw Response add it themselves).
    c.header('X-Request-Id', id);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const entry = {
      requestId: id,
      method: c.req.method,
      path: c.req.path,
      route: c.req.routePath,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    if (status >= 500) logger.error(entry, 'request failed');
    else if (logger.isLevelEnabled('info')) logger.info(entry, 'request');
  };
}
