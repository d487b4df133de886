/** The models area (openapi/models.yaml): upload, list, get, update schema, delete. */
import { routes } from '../../../generated/routes/models.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { area } from '../../../platform/module.js';
import type { ModelCatalog } from '../model-catalog.js';
import { toModel } from '../model-record.js';

export function modelsArea(catalog: ModelCatalog) {
  return area('models', routes, {
    uploadModel: async (c) => {
      const row = await catalog.upload(tenantOf(c.get('principal')), c.req.valid('form'));
      c.header('Location', `/api/v1/models/${row.id}`);
      return c.json(toModel(row), 201);
    },
    listModels: async (c) => {
      const { limit, offset, format } = c.req.valid('query');
      const { rows, total } = await catalog.list(tenantOf(c.get('principal')), {
        limit,
        offset,
        ...(format ? { format } : {}),
      });
      return c.json({ models: rows.map(toModel), total, limit, offset }, 200);
    },
    getModel: async (c) =>
      c.json(toModel(await catalog.get(tenantOf(c.get('principal')), c.req.valid('param').id)), 200),
    updateModelSchema: async (c) => {
      const row = await catalog.update(tenantOf(c.get('principal')), c.req.valid('param').id, c.req.valid('json'));
      return c.json(toModel(row), 200);
    },
    deleteModel: async (c) => {
      await catalog.remove(tenantOf(c.get('principal')), c.req.valid('param').id);
      return c.body(null, 204);
    },
  });
}
