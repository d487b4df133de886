/**
 * Binds an area's generated routes to its handlers. The `Handlers` type demands one handler per
 * operation of the spec, typed from that operation's route, so a spec operation without a handler is a
 * compile error. Each route gets the auth its spec `security` names, a 415 for a body type its spec does
 * not declare and, for POST, idempotency keys. Routes are registered most specific path first (a static
 * segment before a parameter), the order allowed-methods.ts matches paths in.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireAuth, type Verifiers } from '../auth/require-auth.js';
import { bySpecificity } from './allowed-methods.js';
import type { AppEnv } from './app-env.js';
import { declaredContentTypes } from './content-types.js';

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
  const ordered = Object.entries(routes).sort(([, a], [, b]) => bySpecificity(a.path, b.path));
  for (const [operationId, route] of ordered) {
    const middleware: MiddlewareHandler<AppEnv>[] = [requireAuth(route.security ?? [], services.verifiers)];
    const body = route.request?.body as { content?: Record<string, unknown> } | undefined;
    if (body?.content) middleware.push(declaredContentTypes(Object.keys(body.content)));
    if (route.method === 'post') middleware.push(services.idempotency);
    app.openapi({ ...route, middleware } as RouteConfig, handlers[operationId as keyof Routes] as never);
  }
}
