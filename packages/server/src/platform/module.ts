/**
 * What a domain module gives the composition root (app.ts): its API areas (generated routes bound to
 * handlers, one per openapi/<area>.yaml), what it starts and stops, and the components it reports in
 * `GET /health/detailed`. Each module is built by `createXModule(platform, deps)` in its `module.ts`.
 */
import type { RouteConfig } from '@hono/zod-openapi';
import type { Handlers } from './http/register-routes.js';

export interface Area<Routes extends Record<string, RouteConfig> = Record<string, RouteConfig>> {
  /** The spec it serves: openapi/<name>.yaml. */
  name: string;
  routes: Routes;
  handlers: Handlers<Routes>;
}

/** An area whatever its routes: what app.ts registers (each area is type-checked where `area()` builds it). */
export interface RegisteredArea {
  name: string;
  routes: Record<string, RouteConfig>;
  handlers: Record<string, unknown>;
}

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** One component of `GET /health/detailed` (`services.<name>`): a status plus component-specific figures. */
export interface ComponentHealth {
  status: HealthStatus;
  [figure: string]: unknown;
}

export interface Module {
  /** Areas this module serves. */
  areas: RegisteredArea[];
  /** Background work started once the app is assembled (loops, runners). */
  start?(): void;
  /** Stops what `start` began and frees what the module holds; the database stays open. */
  stop?(): Promise<void>;
  /** Components reported by `GET /health/detailed`, by name. */
  health?(): Promise<Record<string, ComponentHealth>>;
}

/** One area, typed from its routes so a spec operation without a handler is a compile error. */
export function area<Routes extends Record<string, RouteConfig>>(
  name: string,
  routes: Routes,
  handlers: Handlers<Routes>,
): Area<Routes> {
  return { name, routes, handlers };
}
