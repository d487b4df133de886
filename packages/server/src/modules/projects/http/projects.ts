/** The projects area (openapi/projects.yaml), bound to the projects use-cases. */
import { routes } from '../../../generated/routes/projects.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { ProjectsUseCases } from '../projects-use-cases.js';

export function projectsArea(projects: ProjectsUseCases) {
  return area('projects', routes, {
    createProject: async (c) => c.json(await projects.create(tenantOf(c.get('principal')), c.req.valid('json')), 201),
    listProjects: async (c) => {
      const { status, type, limit, offset } = c.req.valid('query');
      return c.json(
        await projects.list(
          tenantOf(c.get('principal')),
          { ...(status ? { status } : {}), ...(type ? { type } : {}) },
          { limit, offset },
        ),
        200,
      );
    },
    getProject: async (c) => c.json(await projects.get(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
    getProjectAnalytics: async (c) =>
      c.json(
        await projects.analytics(
          tenantOf(c.get('principal')),
          c.req.valid('param').id,
          c.req.valid('query').bucket_size,
        ),
        200,
      ),
    completeProject: async (c) =>
      c.json(await projects.complete(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
    cancelProject: async (c) =>
      c.json(await projects.cancel(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
  });
}
