/**
 * The broker's Prometheus metrics, named as gpu-sessions.md names them. `gpu_sessions_active` is read
 * from the database at scrape time, so every replica reports the deployment's true counts.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createSessionMetrics(
  registry: Registry,
  activeCounts: () => Promise<Array<{ provider: string; status: string; count: number }>>,
) {
  new Gauge({
    name: 'gpu_sessions_active',
    help: 'Sessions not yet ended, by provider and status',
    labelNames: ['provider', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await activeCounts().catch(() => []))
        this.set({ provider: row.provider, status: row.status }, row.count);
    },
  });
  return {
    orphans: new Counter({
      name: 'gpu_orphans_detected_total',
      help: 'Provider instances labelled by this deployment without a live session (destroyed)',
      registers: [registry],
    }),
    ghosts: new Counter({
      name: 'gpu_ghosts_detected_total',
      help: 'Sessions whose instance no longer exists at the provider (marked failed)',
      registers: [registry],
    }),
    destroyFailures: new Counter({
      name: 'gpu_destroy_failures_total',
      help: 'Failed instance destroy attempts (retried)',
      registers: [registry],
    }),
    sshVerifyDuration: new Histogram({
      name: 'gpu_ssh_verify_duration_seconds',
      help: 'Duration of SSH verification attempts',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    sshVerifyFailures: new Counter({
      name: 'gpu_ssh_verify_failures_total',
      help: 'SSH verification attempts that failed',
      registers: [registry],
    }),
  };
}

export type SessionMetrics = ReturnType<typeof createSessionMetrics>;
