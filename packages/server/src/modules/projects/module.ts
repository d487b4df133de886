/**
 * The projects module: projects (their counters advanced by the task recorder's flush, platform/usage),
 * their analytics, and usage and billing read from the hourly rollups. Cancelling a project cancels its
 * jobs through the inference and training modules.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { ModelsModule } from '../models/module.js';
import { projectsArea } from './http/projects.js';
import { usageArea } from './http/usage.js';
import { projectRepository } from './project-repository.js';
import { projectsUseCases, type ProjectJobs } from './projects-use-cases.js';
import { usageRepository } from './usage-repository.js';
import { usageUseCases } from './usage-use-cases.js';

export function createProjectsModule(
  platform: Services,
  deps: {
    models: ModelsModule;
    inference: { cancelProjectJobs: ProjectJobs['inference'] };
    training: { cancelProjectJobs: ProjectJobs['training'] };
  },
) {
  const db = platform.database.db;
  const repository = projectRepository(db);
  const flush = () => platform.tasks.flush();
  const projects = projectsUseCases({
    db,
    repository,
    jobs: { inference: deps.inference.cancelProjectJobs, training: deps.training.cancelProjectJobs },
    clock: platform.clock,
    modelExists: async (tenantId, modelId) => (await deps.models.catalog.find(tenantId, modelId)) !== undefined,
    flush,
  });
  const usage = usageUseCases({
    usage: usageRepository(db),
    projects: repository,
    prices: platform.settings.usage,
    clock: platform.clock,
    flush,
  });
  return {
    areas: [projectsArea(projects), usageArea(usage)],
    projects,
    usage,
  } satisfies Module & Record<string, unknown>;
}

export type ProjectsModule = ReturnType<typeof createProjectsModule>;
export type { ProjectView } from './project-view.js';
