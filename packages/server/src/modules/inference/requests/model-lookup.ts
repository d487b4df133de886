/**
 * Models as inference sees them: looked up per tenant with a short-lived cache (a hot model is read from
 * the database once per `ttlMs`, not per request), turned into engine handles that load the model's bytes
 * from the blob store only when a worker needs them.
 */
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import { ApiProblem } from '../../../platform/http/problem.js';
import type { ModelHandle } from '../engine/inference-engine.js';
import type { ModelCatalog, ModelRow } from '../../models/module.js';
import { isStackable } from './model-signature.js';

export interface ExecutableModel {
  row: ModelRow;
  handle: ModelHandle;
}

export function modelLookup(catalog: Pick<ModelCatalog, 'find'>, blobs: BlobStore, ttlMs = 2_000) {
  const cache = new Map<string, { model: ExecutableModel; expires: number }>();

  const toExecutable = (row: ModelRow): ExecutableModel => ({
    row,
    handle: {
      key: row.checksum,
      label: row.id,
      batchable: isStackable(row),
      // From the file where the store keeps one (ONNX Runtime reads it itself), else the bytes.
      load: async () => (await blobs.localPath?.(row.checksum)) ?? blobs.get(row.checksum),
    },
  });

  return {
    /** The tenant's model, ready to run; 404 NO_MODEL when missing, 400 when it cannot run here. */
    async get(tenantId: string, modelId: string, now = Date.now()): Promise<ExecutableModel> {
      const key = `${tenantId}/${modelId}`;
      const hit = cache.get(key);
      if (hit && hit.expires > now) return hit.model;
      const row = await catalog.find(tenantId, modelId);
      if (!row) {
        cache.delete(key);
        throw new ApiProblem(404, 'NO_MODEL', `Model '${modelId}' not found`);
      }
      if (row.format !== 'onnx') {
        throw new ApiProblem(
          400,
          'MODEL_NOT_EXECUTABLE',
          `Model '${modelId}' is ${row.format}; this server runs ONNX models only (export it with torch.onnx.export)`,
        );
      }
      const model = toExecutable(row);
      cache.set(key, { model, expires: now + ttlMs });
      return model;
    },
    /** Forget a model (updated or deleted on this server). */
    invalidate(tenantId: string, modelId: string) {
      cache.delete(`${tenantId}/${modelId}`);
    },
  };
}

export type ModelLookup = ReturnType<typeof modelLookup>;
