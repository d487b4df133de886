/** The datasets area (openapi/datasets.yaml): upload, list, get, delete. */
import { routes } from '../../../generated/routes/datasets.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { DatasetCatalog } from '../dataset-catalog.js';
import { toDataset } from '../dataset-record.js';

export function datasetsArea(catalog: DatasetCatalog) {
  return area('datasets', routes, {
    uploadDataset: async (c) => {
      const row = await catalog.upload(tenantOf(c.get('principal')), c.req.valid('form'));
      c.header('Location', `/api/v1/datasets/${row.id}`);
      return c.json(toDataset(row), 201);
    },
    listDatasets: async (c) => {
      const { limit, offset } = c.req.valid('query');
      const { rows, total } = await catalog.list(tenantOf(c.get('principal')), { limit, offset });
      return c.json({ datasets: rows.map(toDataset), total, limit, offset }, 200);
    },
    getDataset: async (c) =>
      c.json(toDataset(await catalog.get(tenantOf(c.get('principal')), c.req.valid('param').id)), 200),
    deleteDataset: async (c) => {
      await catalog.remove(tenantOf(c.get('principal')), c.req.valid('param').id);
      return c.body(null, 204);
    },
  });
}
