/**
 * The dashboard module: the dashboard area's aggregated views over devices, jobs, projects, task records
 * and training efficiency, the live project stream (SSE) with a bounded number per tenant, and cluster
 * utilization. It reads through the devices, projects and efficiency modules and the task tables.
 */
import { cpus } from 'node:os';
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { DevicesModule } from '../devices/module.js';
import type { EfficiencyModule } from '../efficiency/module.js';
import type { InferenceModule } from '../inference/module.js';
import type { ModelsModule } from '../models/module.js';
import type { ProjectsModule } from '../projects/module.js';
import type { TrainingModule } from '../training/module.js';
import { benchmarkRepository } from './benchmark/benchmark-repository.js';
import { benchmarks } from './benchmark/benchmarks.js';
import { dashboardRepository } from './dashboard-repository.js';
import { dashboardUseCases } from './dashboard-use-cases.js';
import { dashboardArea } from './http/dashboard.js';
import { createStreamLimiter } from './stream-limiter.js';

export function createDashboardModule(
  platform: Services,
  deps: {
    devices: DevicesModule;
    projects: ProjectsModule;
    efficiency: EfficiencyModule;
    models: ModelsModule;
    inference: InferenceModule;
    training: TrainingModule;
  },
) {
  const settings = platform.settings.dashboard;
  const useCases = dashboardUseCases({
    repository: dashboardRepository(platform.database.db),
    devices: deps.devices.useCases,
    projects: deps.projects.projects,
    efficiency: deps.efficiency.useCases,
    clock: platform.clock,
    flush: () => platform.tasks.flush(),
    engineWorkers: platform.settings.inference.workers ?? Math.min(4, cpus().length),
  });
  const limiter = createStreamLimiter(settings.maxStreamsPerTenant);
  const bench = benchmarks({
    repository: benchmarkRepository(platform.database.db),
    models: deps.models.catalog,
    inference: deps.inference.useCases,
    training: deps.training.useCases,
    projects: deps.projects.projects,
    devices: deps.devices,
    recorder: platform.tasks,
    clock: platform.clock,
    minDurationS: settings.benchmarkMinDurationS,
  });
  return {
    areas: [
      dashboardArea(useCases, bench, {
        limiter,
        writeTimeoutMs: settings.streamWriteTimeoutMs,
        read: (tenantId, id) => deps.projects.projects.get(tenantId, id),
      }),
    ],
    useCases,
    stop: () => bench.stop(),
    /** Streams each tenant holds open now. */
    streamsHeld: (tenantId: string) => limiter.held(tenantId),
  } satisfies Module & Record<string, unknown>;
}
