/**
 * The models module: the model store (ONNX and TorchScript files checked on upload, kept by sha256 in
 * the blob store) and its area. Other modules read models through `catalog` and hear of changes with
 * `catalog.onChanged`.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { modelsArea } from './http/models.js';
import { modelCatalog } from './model-catalog.js';
import { modelRepository } from './model-repository.js';

export type { ModelCatalog, ModelChanged } from './model-catalog.js';
export type { ModelRow } from './model-record.js';

export function createModelsModule(platform: Services) {
  const catalog = modelCatalog({
    repository: modelRepository(platform.database.db),
    blobs: platform.blobs,
    clock: platform.clock,
    maxModelBytes: platform.settings.maxModelBytes,
  });
  return {
    areas: [modelsArea(catalog)],
    catalog,
    async health() {
      try {
        return { model_store: { status: 'healthy' as const, models: await catalog.countAll() } };
      } catch {
        return { model_store: { status: 'unhealthy' as const, models: 0 } };
      }
    },
  } satisfies Module & Record<string, unknown>;
}

export type ModelsModule = ReturnType<typeof createModelsModule>;
