/**
 * The projects area's use-cases, within one tenant: create, list, get, analytics, complete and cancel.
 * Cancelling ends the project first (one conditional update) and then cancels its inference and training
 * jobs through their own modules, so a job submitted concurrently is either cancelled here or counts
 * towards an already-cancelled project and is cancelled by a repeated cancel of its job.
 */
import type { Db } from '../../platform/db/database.js';
import type { ProjectStatus, ProjectType } from '../../platform/db/schema.js';
import { randomId } from '../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import { projectAnalytics } from './project-analytics.js';
import type { ProjectRepository, ProjectRow } from './project-repository.js';
import { toProject } from './project-view.js';

/** What cancelling a project cancels in the modules that run its jobs. */
export interface ProjectJobs {
  inference(tenantId: string, projectId: string): Promise<string[]>;
  training(tenantId: string, projectId: string): Promise<string[]>;
}

export function projectsUseCases(deps: {
  db: Db;
  repository: ProjectRepository;
  jobs: ProjectJobs;
  clock: () => Date;
  /** Whether the tenant has this model (a project names one of its own models, never another tenant's). */
  modelExists: (tenantId: string, modelId: string) => Promise<boolean>;
  /** Writes task records still buffered in this process, so figures read next include them. */
  flush: () => Promise<void>;
}) {
  const { repository, clock } = deps;
  async function get(tenantId: string, id: string): Promise<ProjectRow> {
    const row = await repository.get(tenantId, id);
    if (!row) throw notFound('Project', id);
    return row;
  }
  async function end(tenantId: string, id: string, to: 'completed' | 'cancelled') {
    const row = await repository.end(tenantId, id, to, clock());
    if (row) return row;
    const current = await get(tenantId, id);
    throw new ApiProblem(
      409,
      to === 'cancelled' ? 'CANNOT_CANCEL' : 'CONFLICT',
      `Project '${id}' is already ${current.status}; only an active project can be ${to}`,
    );
  }

  return {
    async create(
      tenantId: string,
      body: { name: string; type?: ProjectType; model_id?: string; total_tasks?: number },
    ) {
      if (body.model_id !== undefined && !(await deps.modelExists(tenantId, body.model_id)))
        throw notFound('Model', body.model_id);
      const row = await repository.create({
        tenantId,
        id: randomId('proj'),
        name: body.name,
        type: body.type ?? 'realtime',
        modelId: body.model_id ?? null,
        totalTasks: body.total_tasks ?? null,
        createdAt: clock(),
      });
      if (!row) throw new ApiProblem(409, 'CONFLICT', 'a project with this id exists already; retry');
      return toProject(row);
    },
    async list(
      tenantId: string,
      filter: { status?: ProjectStatus; type?: ProjectType },
      page: { limit: number; offset: number },
    ) {
      await deps.flush();
      const { rows, total } = await repository.list(tenantId, filter, page);
      return { projects: rows.map(toProject), total, ...page };
    },
    async get(tenantId: string, id: string) {
      await deps.flush();
      return toProject(await get(tenantId, id));
    },
    async analytics(tenantId: string, id: string, bucketSeconds: number) {
      await deps.flush();
      const row = await get(tenantId, id);
      const figures = await projectAnalytics(deps.db, tenantId, id, bucketSeconds);
      const ended = row.completedTasks + row.failedTasks;
      const notes: string[] = [];
      if (figures.latency.samples === 0)
        notes.push('latency: no successful task of this project has been recorded (within the retention period)');
      if (ended === 0) notes.push('success_rate: no task of this project has ended yet');
      return {
        project_id: row.id,
        status: row.status,
        success_count: row.completedTasks,
        failure_count: row.failedTasks,
        success_rate: ended > 0 ? Math.round((row.completedTasks / ended) * 10_000) / 10_000 : null,
        latency: figures.latency,
        throughput: { bucket_size: bucketSeconds, buckets: figures.buckets },
        by_device: figures.by_device,
        by_instance_type: figures.by_instance_type,
        notes,
      };
    },
    complete: async (tenantId: string, id: string) => toProject(await end(tenantId, id, 'completed')),
    async cancel(tenantId: string, id: string) {
      const row = await end(tenantId, id, 'cancelled');
      const [inference, training] = await Promise.all([
        deps.jobs.inference(tenantId, id),
        deps.jobs.training(tenantId, id),
      ]);
      return { project: toProject(row), cancelled_jobs: { inference, training } };
    },
  };
}

export type ProjectsUseCases = ReturnType<typeof projectsUseCases>;
