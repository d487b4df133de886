/** The efficiency area's use-cases, within one tenant (figures computed in job-metrics.ts and aggregate.ts). */
import { notFound } from '../../platform/http/problem.js';
import { aggregate, allMetrics, chart, oneDeviceRates, type ChartType } from './aggregate.js';
import type { EfficiencyRepository } from './efficiency-repository.js';
import { intervals, jobMetrics, round } from './job-metrics.js';

export function efficiencyUseCases(deps: {
  repository: EfficiencyRepository;
  clock: () => Date;
  flush: () => Promise<void>;
}) {
  const { repository } = deps;
  async function recent(tenantId: string) {
    await deps.flush();
    const jobs = await repository.jobs(tenantId);
    const checkpoints = await repository.checkpoints(
      tenantId,
      jobs.map((j) => j.id),
    );
    return jobs.map((job) => ({ job, checkpoints: checkpoints.get(job.id) ?? [] }));
  }

  return {
    async aggregate(tenantId: string, instanceType: 'aws' | 'user' | 'all') {
      return aggregate(allMetrics(await recent(tenantId)), instanceType);
    },
    async comparison(tenantId: string) {
      const metrics = allMetrics(await recent(tenantId));
      return { aws: aggregate(metrics, 'aws'), user: aggregate(metrics, 'user') };
    },
    async chart(tenantId: string, type: ChartType) {
      const jobs = await recent(tenantId);
      return chart(type, jobs, allMetrics(jobs));
    },
    async job(tenantId: string, jobId: string) {
      await deps.flush();
      const job = await repository.job(tenantId, jobId);
      if (!job) throw notFound('Training job', jobId);
      const all = await recent(tenantId);
      const checkpoints = (await repository.checkpoints(tenantId, [jobId])).get(jobId) ?? [];
      return jobMetrics(job, checkpoints, oneDeviceRates(all).get(job.modelId) ?? null);
    },
    async active(tenantId: string) {
      await deps.flush();
      const now = deps.clock().getTime();
      const training = await repository.jobs(tenantId, ['queued', 'running', 'paused']);
      const checkpoints = await repository.checkpoints(
        tenantId,
        training.map((j) => j.id),
      );
      const inference = await repository.activeInference(tenantId);
      return {
        runs: [
          ...training.map((job) => {
            const list = checkpoints.get(job.id) ?? [];
            const last = list.at(-1);
            const progress = job.progress as {
              percent_complete?: number;
              accuracy?: number | null;
              current_loss?: number | null;
            };
            return {
              job_id: job.id,
              kind: 'training' as const,
              status: job.status,
              project_id: job.projectId,
              percent_complete: progress.percent_complete ?? 0,
              rate: round(intervals(list).at(-1)?.rate ?? null),
              rate_unit: 'samples_per_sec' as const,
              devices: last?.devices ?? null,
              accuracy: progress.accuracy ?? null,
              loss: progress.current_loss ?? null,
              started_at: job.createdAt.toISOString(),
            };
          }),
          ...inference.map((job) => {
            const ended = job.completedTasks + job.failedTasks;
            const since = job.startedAt ?? job.createdAt;
            const seconds = (now - since.getTime()) / 1000;
            return {
              job_id: job.id,
              kind: 'inference' as const,
              status: job.status,
              project_id: job.projectId,
              percent_complete:
                job.totalTasks > 0 ? round(((ended + job.cancelledTasks) / job.totalTasks) * 100, 2)! : 0,
              rate: job.startedAt && seconds > 0 ? round(ended / seconds) : null,
              rate_unit: 'tasks_per_sec' as const,
              devices: null,
              accuracy: null,
              loss: null,
              started_at: since.toISOString(),
            };
          }),
        ],
      };
    },
  };
}

export type EfficiencyUseCases = ReturnType<typeof efficiencyUseCases>;
