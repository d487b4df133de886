/** The efficiency area (openapi/efficiency.yaml), bound to the efficiency use-cases. */
import { routes } from '../../../generated/routes/efficiency.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { EfficiencyUseCases } from '../efficiency-use-cases.js';

export function efficiencyArea(efficiency: EfficiencyUseCases) {
  return area('efficiency', routes, {
    getEfficiency: async (c) =>
      c.json(
        await efficiency.aggregate(tenantOf(c.get('principal')), c.req.valid('query').instance_type ?? 'all'),
        200,
      ),
    getEfficiencyComparison: async (c) => c.json(await efficiency.comparison(tenantOf(c.get('principal'))), 200),
    getEfficiencyChart: async (c) =>
      c.json(await efficiency.chart(tenantOf(c.get('principal')), c.req.valid('param').type), 200),
    getActiveRuns: async (c) => c.json(await efficiency.active(tenantOf(c.get('principal'))), 200),
    getJobEfficiency: async (c) =>
      c.json(await efficiency.job(tenantOf(c.get('principal')), c.req.valid('param').jobId), 200),
  });
}
