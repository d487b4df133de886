/** The models area (openapi/models.yaml): upload, list, get, update schema, delete. */
import { routes } from '../../../generated/routes/models.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import { notFound } from '../../../platform/http/problem.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import type { Services } from '../../../platform/services.js';
import { checkJsonSchema } from '../json-schema.js';
import { toModel } from '../model-record.js';
import { modelRepository } from '../model-repository.js';
import { uploadModel } from '../upload-model.js';

/** Told when a model changes or goes, so caches elsewhere (inference) drop it. */
export type ModelChanged = (change: { tenantId: string; modelId: string; checksum: string; deleted: boolean; fileRemoved: boolean }) => void;

export function modelsArea(services: Services, onChanged: ModelChanged = () => undefined): { routes: typeof routes; handlers: Handlers<typeof routes> } {
  const repository = modelRepository(services.database.db);
  const { blobs, clock, settings } = services;

  const handlers: Handlers<typeof routes> = {
    uploadModel: async (c) => {
      const form = c.req.valid('form');
      const row = await uploadModel({ repository, blobs, maxModelBytes: settings.maxModelBytes, now: clock() }, tenantOf(c.get('principal')), form);
      c.header('Location', `/api/v1/models/${row.id}`);
      return c.json(toModel(row), 201);
    },
    listModels: async (c) => {
      const { limit, offset, format } = c.req.valid('query');
      const { rows, total } = await repository.list(tenantOf(c.get('principal')), { limit, offset, ...(format ? { format } : {}) });
      return c.json({ models: rows.map(toModel), total, limit, offset }, 200);
    },
    getModel: async (c) => {
      const { id } = c.req.valid('param');
      const row = await repository.get(tenantOf(c.get('principal')), id);
      if (!row) throw notFound('Model', id);
      return c.json(toModel(row), 200);
    },
    updateModelSchema: async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      checkJsonSchema('input_schema', body.input_schema);
      checkJsonSchema('output_schema', body.output_schema);
      const row = await repository.update(
        tenantOf(c.get('principal')),
        id,
        {
          ...(body.input_schema !== undefined ? { inputSchema: body.input_schema } : {}),
          ...(body.output_schema !== undefined ? { outputSchema: body.output_schema } : {}),
          ...(body.labels !== undefined ? { labels: body.labels } : {}),
          ...(body.preprocessing !== undefined ? { preprocessing: body.preprocessing } : {}),
          ...(body.postprocessing !== undefined ? { postprocessing: body.postprocessing } : {}),
        },
        clock(),
      );
      if (!row) throw notFound('Model', id);
      onChanged({ tenantId: row.tenantId, modelId: id, checksum: row.checksum, deleted: false, fileRemoved: false });
      return c.json(toModel(row), 200);
    },
    deleteModel: async (c) => {
      const { id } = c.req.valid('param');
      const row = await repository.delete(tenantOf(c.get('principal')), id);
      if (!row) throw notFound('Model', id);
      const fileRemoved = (await repository.countByChecksum(row.checksum)) === 0;
      if (fileRemoved) await blobs.delete(row.checksum);
      onChanged({ tenantId: row.tenantId, modelId: id, checksum: row.checksum, deleted: true, fileRemoved });
      return c.body(null, 204);
    },
  };
  return { routes, handlers };
}
