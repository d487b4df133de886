/**
 * Models upload helper (`@computeplane/sdk/models`). uploadModel(): multipart model upload from a file
 * path, Buffer/Uint8Array, Blob or stream, with the model's metadata typed from the spec. Structured fields travel as JSON parts, as the spec's
 * `encoding` says. Hand-written because multipart bodies need source-specific handling.
 */
import type { FetchResponse } from 'openapi-fetch';
import { areaClient, send, type Computeplane, type RequestOptions } from '../internal/index.js';
import type { components, paths } from '../generated/models.js';
import { baseNameOf, toBlob, type UploadSource } from './upload-source.js';

type ModelUpload = components['schemas']['ModelUpload'];

/** Where the model bytes come from. A string is a file path (Node.js only). */
export type ModelSource = UploadSource;

export type UploadModelInput = Omit<ModelUpload, 'model'> & {
  model: ModelSource;
  /** File name sent with the part (default: the path's base name, or `model.onnx` / `model.pt`). */
  filename?: string;
};

const JSON_FIELDS = ['input_shape', 'output_shape', 'input_schema', 'output_schema', 'labels'] as const;
const TEXT_FIELDS = ['name', 'format', 'preprocessing', 'postprocessing'] as const;

/** Upload a model (POST /api/v1/models). */
export async function uploadModel(client: Computeplane, input: UploadModelInput, options?: RequestOptions) {
  const form = new FormData();
  const file = await toBlob(input.model);
  form.set('model', file, input.filename ?? defaultFilename(input));
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (value !== undefined && value !== null) form.set(field, String(value));
  }
  for (const field of JSON_FIELDS) {
    const value = input[field];
    if (value !== undefined) form.set(field, new Blob([JSON.stringify(value)], { type: 'application/json' }));
  }
  type Upload = paths['/api/v1/models']['post'];
  return send(
    client,
    options,
    (fetchOptions) =>
      areaClient<paths>(client, 'models').POST('/api/v1/models', {
        body: form as never,
        bodySerializer: (body: unknown) => body as FormData,
        ...fetchOptions,
      }) as Promise<FetchResponse<Upload, object, `${string}/${string}`>>,
  );
}

function defaultFilename(input: UploadModelInput): string {
  if (typeof input.model === 'string') return baseNameOf(input.model) || 'model';
  const extension = input.format === 'torchscript' ? 'pt' : 'onnx';
  return `${input.name ?? 'model'}.${extension}`;
}
