/**
 * Binds an area's generated routes to its handlers. The `Handlers` type demands one handler per
 * operation of the spec, typed from that operation's route, so a spec operation without a handler is a
 * compile error. Each route gets the auth its spec `security` names and, for POST, idempotency keys.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireAuth, type Verifiers } from '../auth/require-auth.js';
import type { AppEnv } from './app-env.js';

export type Handlers<Routes extends Record<string, RouteConfig>> = {
  [K in keyof Routes]: RouteHandler<Routes[K], AppEnv>;
};

export interface RouteServices {
  verifiers: Verifiers;
  idempotency: MiddlewareHandler<AppEnv>;
}

export function registerRoutes<Routes extends Record<string, RouteConfig>>(
  app: OpenAPIHono<AppEnv>,
  routes: Routes,
  handlers: Handlers<Routes>,
  services: RouteServices,
): void {
  for (const [operationId, route] of Object.entries(routes)) {
    const middleware: MiddlewareHandler<AppEnv>[] = [requireAuth(route.security ?? [], services.verifiers)];
    if (route.method === 'post') middleware.push(services.idempotency);
    app.openapi({ ...route, middleware } as RouteConfig, handlers[operationId as keyof Routes] as never);
  }
}
