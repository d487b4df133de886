/**
 * `@computeplane/sdk/models`: the model store. Upload, list, get, delete models and update their
 * schemas; iterate over every model with iterateModels().
 */
export * from '../generated/models.operations.js';
export { iterateModels, type ModelFilters } from '../lib/iterators.js';
export { uploadModel, type ModelSource, type UploadModelInput } from '../lib/models-upload.js';
