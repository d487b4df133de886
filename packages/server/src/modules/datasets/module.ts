/**
 * The datasets module: uploaded training data (CSV or JSONL, checked row by row as it streams in, kept
 * by sha256 in the blob store) and its area. The training module reads a tenant's dataset with
 * `catalog.find`, its rows with `readDatasetRows`, and checks it against a model with
 * `checkDatasetFitsModel`.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import { datasetCatalog } from './dataset-catalog.js';
import type { DatasetRow } from './dataset-record.js';
import { datasetRepository } from './dataset-repository.js';
import { datasetsArea } from './http/datasets.js';
import { readDatasetRows } from './read-dataset-rows.js';

export type { DatasetCatalog } from './dataset-catalog.js';
export type { DatasetRow } from './dataset-record.js';
export type { DatasetSample } from './read-dataset-rows.js';
export { checkDatasetFitsModel, type ModelSignature } from './fits-model.js';

export function createDatasetsModule(platform: Services) {
  const catalog = datasetCatalog({
    repository: datasetRepository(platform.database.db),
    blobs: platform.blobs,
    clock: platform.clock,
  });
  return {
    areas: [datasetsArea(catalog)],
    catalog,
    /** The dataset's rows, streamed from the stored file in order. */
    readDatasetRows: (dataset: DatasetRow) => readDatasetRows(platform.blobs, dataset),
    async health() {
      try {
        return { dataset_store: { status: 'healthy' as const, datasets: await catalog.countAll() } };
      } catch {
        return { dataset_store: { status: 'unhealthy' as const, datasets: 0 } };
      }
    },
  } satisfies Module & Record<string, unknown>;
}

export type DatasetsModule = ReturnType<typeof createDatasetsModule>;
