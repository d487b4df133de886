/**
 * Datasets upload helper (`@computeplane/sdk/datasets`). uploadDataset(): multipart dataset upload (CSV
 * or JSONL) from a file path, Buffer/Uint8Array, Blob or stream, sharing the models upload's file
 * handling (upload-source.ts). Hand-written because multipart bodies need source-specific handling.
 */
import type { FetchResponse } from 'openapi-fetch';
import { areaClient, send, type Computeplane, type RequestOptions } from '../internal/index.js';
import type { components, paths } from '../generated/datasets.js';
import { baseNameOf, toBlob, type UploadSource } from './upload-source.js';

type DatasetUpload = components['schemas']['DatasetUpload'];

export type UploadDatasetInput = Omit<DatasetUpload, 'file'> & {
  file: UploadSource;
  /** File name sent with the part (default: the path's base name, or `<name>.csv` / `<name>.jsonl`). */
  filename?: string;
};

const TEXT_FIELDS = ['name', 'label_column', 'format'] as const;

/** Upload a dataset (POST /api/v1/datasets). */
export async function uploadDataset(client: Computeplane, input: UploadDatasetInput, options?: RequestOptions) {
  const form = new FormData();
  form.set('file', await toBlob(input.file), input.filename ?? defaultFilename(input));
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (value !== undefined && value !== null) form.set(field, String(value));
  }
  type Upload = paths['/api/v1/datasets']['post'];
  return send(
    client,
    options,
    (fetchOptions) =>
      areaClient<paths>(client, 'datasets').POST('/api/v1/datasets', {
        body: form as never,
        bodySerializer: (body: unknown) => body as FormData,
        ...fetchOptions,
      }) as Promise<FetchResponse<Upload, object, `${string}/${string}`>>,
  );
}

/** Without a file name the server detects the format from the content (a first `{` is JSONL). */
function defaultFilename(input: UploadDatasetInput): string {
  if (typeof input.file === 'string') return baseNameOf(input.file) || 'dataset';
  return input.format ? `${input.name ?? 'dataset'}.${input.format}` : (input.name ?? 'dataset');
}
