/**
 * The datasets' use-cases, within one tenant: upload, list, get, delete. A deleted dataset's file goes
 * once no dataset of any tenant refers to it.
 */
import { notFound } from '../../platform/http/problem.js';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import type { DatasetRow } from './dataset-record.js';
import type { DatasetRepository } from './dataset-repository.js';
import { uploadDataset, type DatasetUploadForm } from './upload-dataset.js';

export function datasetCatalog(deps: { repository: DatasetRepository; blobs: BlobStore; clock: () => Date }) {
  const { repository, blobs, clock } = deps;
  return {
    upload: (tenantId: string, form: DatasetUploadForm) =>
      uploadDataset({ repository, blobs, now: clock() }, tenantId, form),
    list: (tenantId: string, page: { limit: number; offset: number }) => repository.list(tenantId, page),
    /** The tenant's dataset, or undefined (another tenant's dataset does not exist here). */
    find: (tenantId: string, id: string): Promise<DatasetRow | undefined> => repository.get(tenantId, id),
    async get(tenantId: string, id: string): Promise<DatasetRow> {
      const row = await repository.get(tenantId, id);
      if (!row) throw notFound('Dataset', id);
      return row;
    },
    async remove(tenantId: string, id: string): Promise<void> {
      const row = await repository.delete(tenantId, id);
      if (!row) throw notFound('Dataset', id);
      if ((await repository.countByChecksum(row.checksum)) === 0) await blobs.delete(row.checksum);
    },
    /** Stored datasets of every tenant (for health). */
    countAll: () => repository.countAll(),
  };
}

export type DatasetCatalog = ReturnType<typeof datasetCatalog>;
