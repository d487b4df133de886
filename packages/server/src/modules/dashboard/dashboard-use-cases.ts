/**
 * The dashboard area's use-cases, within one tenant: devices by platform, recent jobs, recent projects,
 * task records and throughput, the efficiency overview, the aws/user comparison, cluster utilization,
 * and the project stream's reads.
 */
import { cpus, loadavg } from 'node:os';
import type { DevicesModule } from '../devices/module.js';
import type { EfficiencyModule } from '../efficiency/module.js';
import type { ProjectsModule } from '../projects/module.js';
import type { DashboardRepository } from './dashboard-repository.js';

type DeviceView = Awaited<ReturnType<DevicesModule['useCases']['list']>>['devices'][number];
const DAY_MS = 86_400_000;
const round = (value: number | null, places = 3) =>
  value === null ? null : Math.round(value * 10 ** places) / 10 ** places;
const iso = (value: Date | string) => new Date(value).toISOString();

export function dashboardUseCases(deps: {
  repository: DashboardRepository;
  devices: DevicesModule['useCases'];
  projects: ProjectsModule['projects'];
  efficiency: EfficiencyModule['useCases'];
  clock: () => Date;
  flush: () => Promise<void>;
  /** Inference worker threads of this server (the built-in device's capacity). */
  engineWorkers: number;
}) {
  const { repository, clock } = deps;

  async function allDevices(tenantId: string): Promise<DeviceView[]> {
    const out: DeviceView[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await deps.devices.list(tenantId, { limit: 1000, offset });
      out.push(...page.devices);
      if (out.length >= page.total || page.devices.length === 0) return out;
    }
  }
  const gpuOf = (d: DeviceView) => (d.capabilities as { gpu?: { memory_bytes: number } | null }).gpu ?? null;

  return {
    async devices(tenantId: string) {
      const devices = await allDevices(tenantId);
      const groups = new Map<string, DeviceView[]>();
      for (const d of devices) {
        const platform = String((d.capabilities as { sdk_type?: string }).sdk_type ?? 'unknown');
        groups.set(platform, [...(groups.get(platform) ?? []), d]);
      }
      return {
        total: devices.length,
        platforms: [...groups].map(([platform, list]) => {
          const completed = list.reduce((sum, d) => sum + d.metrics.tasks_completed, 0);
          const latency = list.reduce((sum, d) => sum + (d.metrics.avg_latency_ms ?? 0) * d.metrics.tasks_completed, 0);
          return {
            platform,
            devices: list.length,
            online: list.filter((d) => d.status !== 'offline').length,
            busy: list.filter((d) => d.status === 'busy').length,
            offline: list.filter((d) => d.status === 'offline').length,
            gpu: list.filter((d) => gpuOf(d) !== null).length,
            tasks_completed: completed,
            tasks_failed: list.reduce((sum, d) => sum + d.metrics.tasks_failed, 0),
            avg_latency_ms: completed > 0 ? round(latency / completed) : null,
          };
        }),
      };
    },
    async jobs(tenantId: string, type?: 'inference' | 'training') {
      const rows = await repository.recentJobs(tenantId, new Date(clock().getTime() - 5 * DAY_MS), type);
      return {
        jobs: rows.map((row) => {
          const total = Number(row.total ?? 0);
          const completed = Number(row.completed ?? 0);
          const failed = Number(row.failed ?? 0);
          const percent =
            row.percent !== null ? Number(row.percent) : total > 0 ? ((completed + failed) / total) * 100 : 0;
          return {
            job_id: row.id,
            type: row.type,
            kind: row.kind,
            status: row.status,
            model_id: row.model_id,
            project_id: row.project_id,
            total_tasks: total,
            completed_tasks: completed,
            failed_tasks: failed,
            percent_complete: round(percent, 2)!,
            created_at: iso(row.created_at),
            last_activity_at: iso(row.active_at),
          };
        }),
      };
    },
    async projects(tenantId: string) {
      const [active, recent] = await Promise.all([
        deps.projects.list(tenantId, { status: 'active' }, { limit: 50, offset: 0 }),
        deps.projects.list(tenantId, {}, { limit: 50, offset: 0 }),
      ]);
      const seen = new Set(active.projects.map((p) => p.id));
      return { projects: [...active.projects, ...recent.projects.filter((p) => !seen.has(p.id))].slice(0, 50) };
    },
    async tasks(tenantId: string, limit: number, projectId?: string) {
      await deps.flush();
      const rows = await repository.tasks(tenantId, limit, projectId);
      return {
        tasks: rows.map((row) => ({
          id: Number(row.id),
          kind: row.kind,
          project_id: row.project_id,
          job_id: row.job_id,
          device_id: row.device_id,
          instance_type: row.device_kind,
          processor: row.processor,
          tasks: Number(row.tasks),
          failed: Number(row.failed),
          compute_ms: round(Number(row.compute_ms))!,
          latency_ms: round(Number(row.latency_ms))!,
          bytes_in: Number(row.bytes_in),
          bytes_out: Number(row.bytes_out),
          finished_at: iso(row.finished_at),
        })),
      };
    },
    async throughput(tenantId: string, bucketSeconds: number, projectId?: string) {
      await deps.flush();
      const since = new Date(clock().getTime() - bucketSeconds * 300 * 1000);
      const rows = await repository.throughput(tenantId, bucketSeconds, since, projectId);
      return {
        bucket_size: bucketSeconds,
        buckets: rows.map((row) => ({
          timestamp: new Date(row.bucket * 1000).toISOString(),
          completed: row.completed,
          failed: row.failed,
          tasks_per_sec: round((row.completed + row.failed) / bucketSeconds)!,
          avg_latency_ms: round(row.latency),
        })),
      };
    },
    async efficiency(tenantId: string) {
      const [summary, tta, scaling, power] = await Promise.all([
        deps.efficiency.aggregate(tenantId, 'all'),
        deps.efficiency.chart(tenantId, 'tta'),
        deps.efficiency.chart(tenantId, 'scaling'),
        deps.efficiency.chart(tenantId, 'power'),
      ]);
      return { summary, tta, scaling, power };
    },
    async comparison(tenantId: string) {
      await deps.flush();
      const [training, sides] = await Promise.all([
        deps.efficiency.comparison(tenantId),
        repository.inferenceSides(tenantId, new Date(clock().getTime() - DAY_MS)),
      ]);
      const side = (kind: 'aws' | 'user') => {
        const row = sides.find((s) => s.kind === kind);
        return {
          tasks: row?.tasks ?? 0,
          failed: row?.failed ?? 0,
          avg_latency_ms: round(row?.avg ?? null),
          p50_latency_ms: round(row?.p50 ?? null),
          p95_latency_ms: round(row?.p95 ?? null),
        };
      };
      const inference = { aws: side('aws'), user: side('user') };
      return {
        training,
        inference,
        charts: {
          labels: ['aws', 'user'],
          samples_per_sec: [training.aws.avg_samples_per_sec, training.user.avg_samples_per_sec],
          inference_p50_ms: [inference.aws.p50_latency_ms, inference.user.p50_latency_ms],
        },
      };
    },
    async utilization(tenantId: string) {
      const [devices, jobs] = await Promise.all([allDevices(tenantId), repository.jobCounts(tenantId)]);
      const online = devices.filter((d) => d.status !== 'offline');
      const capacityOf = (d: DeviceView) =>
        d.kind === 'builtin' ? deps.engineWorkers : ((d.capabilities as { max_tasks?: number }).max_tasks ?? 1);
      const capacity = online.reduce((sum, d) => sum + capacityOf(d), 0);
      const running = online.reduce((sum, d) => sum + d.metrics.running_tasks, 0);
      const gpus = online.filter((d) => gpuOf(d) !== null);
      const cores = cpus().length;
      const load = loadavg()[0] ?? 0;
      return {
        devices: {
          total: devices.length,
          online: online.length,
          busy: devices.filter((d) => d.status === 'busy').length,
          idle: devices.filter((d) => d.status === 'idle').length,
          offline: devices.length - online.length,
          gpu: devices.filter((d) => gpuOf(d) !== null).length,
        },
        allocation: { running_tasks: running, capacity, utilization: capacity > 0 ? round(running / capacity, 4)! : 0 },
        cpu: {
          server_cores: cores,
          load_average_1m: round(load)!,
          server_usage: round(load / Math.max(1, cores), 4)!,
          device_cores: online
            .filter((d) => d.kind !== 'builtin')
            .reduce((sum, d) => sum + ((d.capabilities as { cpu_cores?: number }).cpu_cores ?? 0), 0),
        },
        gpu: {
          devices: gpus.length,
          memory_bytes: gpus.reduce((sum, d) => sum + (gpuOf(d)?.memory_bytes ?? 0), 0),
          usage: null,
        },
        jobs,
        notes: ['gpu.usage: devices report their GPU and its memory, not its utilization'],
      };
    },
  };
}

export type DashboardUseCases = ReturnType<typeof dashboardUseCases>;
