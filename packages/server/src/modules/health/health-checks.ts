/** Liveness, readiness and detailed status (openapi/health.yaml, tag `health`). */
import { count } from 'drizzle-orm';
import { models } from '../../platform/db/schema.js';
import { ApiProblem } from '../../platform/http/problem.js';
import type { Services } from '../../platform/services.js';

type Status = 'healthy' | 'degraded' | 'unhealthy';

export function healthHandlers(services: Services) {
  const { database, blobs, clock, settings, lifecycle } = services;

  async function databaseStatus() {
    try {
      const latency = await database.ping();
      return { status: 'healthy' as Status, driver: database.driver, latency_ms: latency };
    } catch (error) {
      return { status: 'unhealthy' as Status, driver: database.driver, latency_ms: null, error: (error as Error).message };
    }
  }

  return {
    getHealth: () => ({ status: 'healthy' as const, version: settings.version, timestamp: clock().toISOString() }),

    async getDetailedHealth() {
      const db = await databaseStatus();
      const modelCount =
        db.status === 'healthy'
          ? await database.db
              .select({ n: count() })
              .from(models)
              .then(([row]) => ({ status: 'healthy' as Status, models: row?.n ?? 0 }))
          : { status: 'unhealthy' as Status, models: 0 };
      const storage = await blobs.stats().then(
        (stats) => ({ status: 'healthy' as Status, ...stats }),
        () => ({ status: 'unhealthy' as Status, files: 0, bytes: 0 }),
      );
      const services = { database: db, model_store: modelCount, storage };
      const statuses = Object.values(services).map((s) => s.status);
      const status: Status = statuses.includes('unhealthy') ? 'unhealthy' : statuses.includes('degraded') ? 'degraded' : 'healthy';
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
      const notReady = (message: string) => new ApiProblem(503, 'NOT_READY', message, { headers: { 'Retry-After': '5' } });
      if (lifecycle.draining) throw notReady('Server is shutting down');
      if (!lifecycle.ready) throw notReady('Server is starting');
      const db = await databaseStatus();
      if (db.status !== 'healthy') throw notReady(`Database is not answering: ${db.error ?? 'unknown error'}`);
      return { status: 'ready' as const, checks: { database: 'ok' as const } };
    },
  };
}
