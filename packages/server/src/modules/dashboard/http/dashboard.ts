/** The dashboard area (openapi/dashboard.yaml), bound to the dashboard use-cases and the project stream. */
import { routes } from '../../../generated/routes/dashboard.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { ApiProblem } from '../../../platform/http/problem.js';
import { area } from '../../../platform/module.js';
import type { Benchmarks } from '../benchmark/benchmarks.js';
import type { DashboardUseCases } from '../dashboard-use-cases.js';
import { projectStream } from '../project-stream.js';
import type { StreamLimiter } from '../stream-limiter.js';

export function dashboardArea(
  dashboard: DashboardUseCases,
  bench: Benchmarks,
  streams: {
    limiter: StreamLimiter;
    writeTimeoutMs: number;
    read: (
      tenantId: string,
      id: string,
    ) => Promise<Awaited<ReturnType<DashboardUseCases['projects']>>['projects'][number]>;
  },
) {
  return area('dashboard', routes, {
    getDashboardDevices: async (c) => c.json(await dashboard.devices(tenantOf(c.get('principal'))), 200),
    getDashboardJobs: async (c) =>
      c.json(await dashboard.jobs(tenantOf(c.get('principal')), c.req.valid('query').type), 200),
    getDashboardProjects: async (c) => c.json(await dashboard.projects(tenantOf(c.get('principal'))), 200),
    streamProject: async (c) => {
      const tenantId = tenantOf(c.get('principal'));
      const { id } = c.req.valid('param');
      const { format, interval } = c.req.valid('query');
      await streams.read(tenantId, id); // 404 before the stream starts
      if (!streams.limiter.acquire(tenantId))
        throw new ApiProblem(
          429,
          'RATE_LIMITED',
          'this tenant holds the most project streams allowed at once (DASHBOARD_MAX_STREAMS); close one first',
          { headers: { 'Retry-After': '5' } },
        );
      const lastEventId = Number.parseInt(c.req.valid('header')['last-event-id'] ?? '0', 10);
      return projectStream(c, {
        format,
        intervalMs: interval,
        lastEventId: Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0,
        writeTimeoutMs: streams.writeTimeoutMs,
        read: () => streams.read(tenantId, id).catch(() => undefined),
        release: () => streams.limiter.release(tenantId),
      }) as never;
    },
    getDashboardTasks: async (c) => {
      const { limit, project_id } = c.req.valid('query');
      return c.json(await dashboard.tasks(tenantOf(c.get('principal')), limit, project_id), 200);
    },
    getTaskThroughput: async (c) => {
      const { bucket_size, project_id } = c.req.valid('query');
      return c.json(await dashboard.throughput(tenantOf(c.get('principal')), bucket_size, project_id), 200);
    },
    getDashboardEfficiency: async (c) => c.json(await dashboard.efficiency(tenantOf(c.get('principal'))), 200),
    getDashboardComparison: async (c) => c.json(await dashboard.comparison(tenantOf(c.get('principal'))), 200),
    runBenchmark: async (c) => c.json(await bench.quick(tenantOf(c.get('principal')), c.req.valid('json')), 202),
    runPerfBenchmark: async (c) => {
      const started = await bench.startPerf(tenantOf(c.get('principal')), c.req.valid('json'));
      c.header('Location', started.poll_url);
      return c.json(started, 202);
    },
    getPerfBenchmark: async (c) =>
      c.json(await bench.getPerf(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
    getClusterUtilization: async (c) => c.json(await dashboard.utilization(tenantOf(c.get('principal'))), 200),
  });
}
