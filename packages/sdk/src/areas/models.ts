/**
 * `@computeplane/sdk/models`: the model store. Upload, list, get, delete models and update their
 * schemas; iterate over every model with iterateModels().
 */
import { paginate, type Computeplane } from '../core/index.js';
import { listModels } from '../generated/models.operations.js';
import type { paths } from '../generated/models.js';

export * from '../generated/models.operations.js';
export { uploadModel, type ModelSource, type UploadModelInput } from './models-upload.js';

type ListQuery = NonNullable<paths['/api/v1/models']['get']['parameters']['query']>;

/** Every model visible to the client's tenant, fetched page by page. */
export function iterateModels(client: Computeplane, query: Omit<ListQuery, 'limit' | 'offset'> = {}, pageSize = 100) {
  return paginate((page) => listModels(client, { params: { query: { ...query, ...page } } }), (body) => body.models, { pageSize });
}
