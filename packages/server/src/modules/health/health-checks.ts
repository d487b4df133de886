/** Liveness, readiness and detailed status (openapi/health.yaml, tag `health`). */
import { ApiProblem } from '../../platform/http/problem.js';
import type { ComponentHealth, HealthStatus, Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';

type Status = HealthStatus;

/** `modules`: the modules whose components `GET /health/detailed` reports, between the database and storage. */
export function healthChecks(services: Services, modules: () => Module[]) {
  const { database, blobs, clock, settings, lifecycle } = services;

  async function databaseStatus() {
    try {
      const latency = await database.ping();
      return { status: 'healthy' as Status, driver: database.driver, latency_ms: latency };
    } catch (error) {
      return {
        status: 'unhealthy' as Status,
        driver: database.driver,
        latency_ms: null,
        error: (error as Error).message,
      };
    }
  }

  return {
    getHealth: () => ({ status: 'healthy' as const, version: settings.version, timestamp: clock().toISOString() }),

    async getDetailedHealth() {
      const db = await databaseStatus();
      const reports = await Promise.all(modules().map((module) => module.health?.() ?? {}));
      const components: Record<string, ComponentHealth> = Object.assign({}, ...reports);
      const storage = await blobs.stats().then(
        (stats) => ({ status: 'healthy' as Status, ...stats }),
        () => ({ status: 'unhealthy' as Status, files: 0, bytes: 0 }),
      );
      const services = { database: db, ...components, storage };
      const statuses = Object.values(services).map((s) => s.status);
      const status: Status = statuses.includes('unhealthy')
        ? 'unhealthy'
        : statuses.includes('degraded')
          ? 'degraded'
          : 'healthy';
      const now = clock();
      return {
        status,
        version: settings.version,
        timestamp: now.toISOString(),
        uptime_seconds: Math.max(0, (now.getTime() - lifecycle.startedAt.getTime()) / 1000),
        services,
      };
    },

    async getReadiness() {
      const notReady = (message: string) =>
        new ApiProblem(503, 'NOT_READY', message, { headers: { 'Retry-After': '5' } });
      if (lifecycle.draining) throw notReady('Server is shutting down');
      if (!lifecycle.ready) throw notReady('Server is starting');
      const db = await databaseStatus();
      if (db.status !== 'healthy') throw notReady(`Database is not answering: ${db.error ?? 'unknown error'}`);
      return { status: 'ready' as const, checks: { database: 'ok' as const } };
    },
  };
}
