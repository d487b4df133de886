/**
 * `@computeplane/sdk/datasets`: training data. Upload (CSV or JSONL), list, get and delete datasets;
 * iterate over every dataset with iterateDatasets().
 */
export * from '../generated/datasets.operations.js';
export { uploadDataset, type UploadDatasetInput } from '../lib/datasets-upload.js';
export { iterateDatasets, type DatasetFilters } from '../lib/iterators.js';
export type { UploadSource } from '../lib/upload-source.js';
