/** The usage area (openapi/usage.yaml): tenant, project and hourly usage, every tenant's (admin), per device (internal). */
import { routes } from '../../../generated/routes/usage.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { UsageUseCases } from '../usage-use-cases.js';

export function usageArea(usage: UsageUseCases) {
  return area('usage', routes, {
    getUsage: async (c) => c.json(await usage.tenant(tenantOf(c.get('principal'))), 200),
    getProjectUsage: async (c) =>
      c.json(await usage.project(tenantOf(c.get('principal')), c.req.valid('param').id), 200),
    getHourlyUsage: async (c) =>
      c.json(await usage.hourly(tenantOf(c.get('principal')), c.req.valid('query').hours), 200),
    getAllUsage: async (c) => c.json(await usage.all(), 200),
    getUuidUsage: async (c) => c.json(await usage.successes(c.req.valid('query')), 200),
    getUuidErrorUsage: async (c) => c.json(await usage.errors(c.req.valid('query')), 200),
  });
}
