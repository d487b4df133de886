/**
 * The shared jobs registry behind `GET /v1/train/jobs/{id}` (compute-workspace.md): worker and staging
 * jobs from the compute_jobs table and training jobs from the training module (ids `train_…`), in one shape.
 */
import { notFound } from '../../../platform/http/problem.js';
import type { ComputeJobRepository } from './job-repository.js';
import { trainingJobView, computeJobView } from './job-view.js';

export type TrainingJobLookup = (tenantId: string, id: string) => Promise<Parameters<typeof trainingJobView>[0]>;

export function jobsRegistry(deps: { jobs: ComputeJobRepository; training?: TrainingJobLookup }) {
  return {
    async get(tenantId: string, id: string) {
      if (id.startsWith('train_') && deps.training) return trainingJobView(await deps.training(tenantId, id));
      const row = await deps.jobs.get(tenantId, id);
      if (!row) throw notFound('Job', id);
      return computeJobView(row);
    },
  };
}

export type JobsRegistry = ReturnType<typeof jobsRegistry>;
