/**
 * Models upload helper (`@computeplane/sdk/models`). uploadModel(): multipart model upload from a file
 * path, Buffer/Uint8Array, Blob or stream, with the model's metadata typed from the spec. Structured fields travel as JSON parts, as the spec's
 * `encoding` says. Hand-written because multipart bodies need source-specific handling.
 */
import type { FetchResponse } from 'openapi-fetch';
import { areaClient, send, type Computeplane, type RequestOptions } from '../internal/index.js';
import type { components, paths } from '../generated/models.js';

type ModelUpload = components['schemas']['ModelUpload'];

/** Where the model bytes come from. A string is a file path (Node.js only). */
export type ModelSource =
  string | Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

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

async function toBlob(source: ModelSource): Promise<Blob> {
  if (typeof source === 'string') {
    // Lazy import keeps the SDK loadable in browsers; openAsBlob streams from disk on each read.
    const { openAsBlob } = await import('node:fs');
    return openAsBlob(source);
  }
  if (source instanceof Blob) return source;
  if (source instanceof ArrayBuffer) return new Blob([source]);
  if (source instanceof Uint8Array) return new Blob([source as Uint8Array<ArrayBuffer>]);
  // FormData needs a Blob, so a stream is read to the end first (the server's size limit bounds it).
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const iterable = isReadableStream(source) ? streamChunks(source) : source;
  for await (const chunk of iterable) chunks.push(chunk as Uint8Array<ArrayBuffer>);
  return new Blob(chunks);
}

function isReadableStream(source: object): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream).getReader === 'function';
}

async function* streamChunks(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}

function defaultFilename(input: UploadModelInput): string {
  if (typeof input.model === 'string') return input.model.split(/[\\/]/).pop() || 'model';
  const extension = input.format === 'torchscript' ? 'pt' : 'onnx';
  return `${input.name ?? 'model'}.${extension}`;
}
