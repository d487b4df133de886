/**
 * The model store's use-cases, within one tenant: upload, list, get, change, delete. Every change is
 * announced to listeners (inference drops cached sessions and rows), and a deleted model's file goes
 * once no model of any tenant refers to it.
 */
import { randomId } from '../../platform/http/ids.js';
import { notFound } from '../../platform/http/problem.js';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import { checkJsonSchema } from './json-schema.js';
import type { ModelRow } from './model-record.js';
import type { ModelChanges, ModelRepository } from './model-repository.js';
import { uploadModel, type UploadForm } from './upload-model.js';

/** Told when a model changes or goes, so caches elsewhere (inference) drop it. */
export type ModelChanged = (change: {
  tenantId: string;
  modelId: string;
  checksum: string;
  deleted: boolean;
  fileRemoved: boolean;
}) => void;

export interface ModelUpdate {
  input_schema?: Record<string, unknown> | null;
  output_schema?: Record<string, unknown> | null;
  labels?: string[] | null;
  preprocessing?: ModelChanges['preprocessing'];
  postprocessing?: ModelChanges['postprocessing'];
}

export function modelCatalog(deps: {
  repository: ModelRepository;
  blobs: BlobStore;
  clock: () => Date;
  maxModelBytes: number;
}) {
  const { repository, blobs, clock } = deps;
  const listeners = new Set<ModelChanged>();
  const announce: ModelChanged = (change) => listeners.forEach((listener) => listener(change));

  return {
    upload: (tenantId: string, form: UploadForm) =>
      uploadModel({ repository, blobs, maxModelBytes: deps.maxModelBytes, now: clock() }, tenantId, form),
    list: (tenantId: string, page: { limit: number; offset: number; format?: 'onnx' | 'torchscript' }) =>
      repository.list(tenantId, page),
    /** The tenant's model, or undefined (another tenant's model does not exist here). */
    find: (tenantId: string, id: string): Promise<ModelRow | undefined> => repository.get(tenantId, id),
    /** The bytes of a file one of the tenant's models has, by checksum; undefined when the tenant has none. */
    async fileByChecksum(tenantId: string, checksum: string): Promise<Uint8Array | undefined> {
      if (!(await repository.tenantHasChecksum(tenantId, checksum))) return undefined;
      return blobs.get(checksum);
    },
    /** A tenant's model file by checksum as a stream of parts (never held whole); undefined when not theirs. */
    async streamByChecksum(tenantId: string, checksum: string): Promise<AsyncIterable<Uint8Array> | undefined> {
      if (!(await repository.tenantHasChecksum(tenantId, checksum))) return undefined;
      return blobs.read(checksum);
    },
    async get(tenantId: string, id: string): Promise<ModelRow> {
      const row = await repository.get(tenantId, id);
      if (!row) throw notFound('Model', id);
      return row;
    },
    async update(tenantId: string, id: string, body: ModelUpdate): Promise<ModelRow> {
      checkJsonSchema('input_schema', body.input_schema);
      checkJsonSchema('output_schema', body.output_schema);
      const changes: ModelChanges = {
        ...(body.input_schema !== undefined ? { inputSchema: body.input_schema } : {}),
        ...(body.output_schema !== undefined ? { outputSchema: body.output_schema } : {}),
        ...(body.labels !== undefined ? { labels: body.labels } : {}),
        ...(body.preprocessing !== undefined ? { preprocessing: body.preprocessing } : {}),
        ...(body.postprocessing !== undefined ? { postprocessing: body.postprocessing } : {}),
      };
      const row = await repository.update(tenantId, id, changes, clock());
      if (!row) throw notFound('Model', id);
      announce({ tenantId: row.tenantId, modelId: id, checksum: row.checksum, deleted: false, fileRemoved: false });
      return row;
    },
    async remove(tenantId: string, id: string): Promise<void> {
      const row = await repository.delete(tenantId, id);
      if (!row) throw notFound('Model', id);
      const fileRemoved = (await repository.countByChecksum(row.checksum)) === 0;
      if (fileRemoved) await blobs.delete(row.checksum);
      announce({ tenantId: row.tenantId, modelId: id, checksum: row.checksum, deleted: true, fileRemoved });
    },
    /**
     * A new model of the tenant from `bytes`, a copy of `source`'s graph with other weights (training's result):
     * same inputs, outputs, shapes, schemas, labels, pre- and postprocessing.
     */
    async saveDerived(source: ModelRow, bytes: Uint8Array, name: string): Promise<ModelRow> {
      const stored = await blobs.put(bytes);
      const now = clock();
      const { id: _id, checksum: _checksum, size: _size, name: _name, uploadedAt: _u, updatedAt: _v, ...rest } = source;
      try {
        return await repository.insert({
          ...rest,
          id: randomId('model'),
          name,
          size: stored.size,
          checksum: stored.checksum,
          uploadedAt: now,
          updatedAt: now,
        });
      } catch (error) {
        if ((await repository.countByChecksum(stored.checksum)) === 0) await blobs.delete(stored.checksum);
        throw error;
      }
    },
    /** Stored models of every tenant (for health). */
    countAll: () => repository.countAll(),
    onChanged(listener: ModelChanged): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ModelCatalog = ReturnType<typeof modelCatalog>;
