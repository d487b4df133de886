/**
 * The upload use-case: size check, format detection, a real load (ONNX Runtime) or archive check
 * (TorchScript), declared shapes and JSON Schemas checked against the model, the file stored by its
 * sha256, and the record saved. The file arrives staged on disk (platform/http/multipart-stream.ts) with
 * its checksum, and is read from there: it is never held in memory whole. Nothing is stored unless
 * every check passed, and a file whose record could not be saved is removed again.
 */
import type { z } from 'zod';
import type { ModelUploadSchema } from '../../generated/routes/models.js';
import { open } from 'node:fs/promises';
import { randomId } from '../../platform/http/ids.js';
import { stagedFileOf } from '../../platform/http/multipart-stream.js';
import { ApiProblem } from '../../platform/http/problem.js';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import { inspectOnnx } from './inspect-onnx.js';
import { checkTorchScript, isZip } from './inspect-torchscript.js';
import { checkJsonSchema } from './json-schema.js';
import type { ModelRow } from './model-record.js';
import type { ModelRepository } from './model-repository.js';
import { checkDeclaredShape, shapeOf } from './shapes.js';

export type UploadForm = z.infer<typeof ModelUploadSchema>;
type Format = 'onnx' | 'torchscript';

async function headOf(path: string): Promise<Uint8Array> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read({ buffer: new Uint8Array(4), position: 0 });
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function detectFormat(form: UploadForm, head: Uint8Array): Format {
  if (form.format) return form.format;
  const name = form.model.name.toLowerCase();
  if (name.endsWith('.onnx')) return 'onnx';
  if (/\.(pt|pth|torchscript)$/.test(name)) return 'torchscript';
  return isZip(head) ? 'torchscript' : 'onnx';
}

const baseName = (fileName: string) => fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || 'model';

export async function uploadModel(
  deps: { repository: ModelRepository; blobs: BlobStore; maxModelBytes: number; now: Date },
  tenantId: string,
  form: UploadForm,
): Promise<ModelRow> {
  const file = form.model;
  if (file.size > deps.maxModelBytes) {
    throw new ApiProblem(
      413,
      'PAYLOAD_TOO_LARGE',
      `The model file is ${file.size} bytes; this server accepts at most ${deps.maxModelBytes} (MAX_MODEL_BYTES)`,
    );
  }
  if (file.size === 0) throw new ApiProblem(400, 'INVALID_MODEL', 'The model file is empty');
  const staged = stagedFileOf(file);
  if (!staged) throw new Error('the model file was not staged on disk (multipart-stream middleware missing)');
  const head = await headOf(staged.path);
  const format = detectFormat(form, head);

  let inputs: ModelRow['inputs'] = [];
  let outputs: ModelRow['outputs'] = [];
  if (format === 'onnx') ({ inputs, outputs } = await inspectOnnx(staged.path));
  else await checkTorchScript(staged.path, head);

  if (form.input_shape) checkDeclaredShape('input_shape', form.input_shape, inputs[0]);
  if (form.output_shape) checkDeclaredShape('output_shape', form.output_shape, outputs[0]);
  checkJsonSchema('input_schema', form.input_schema);
  checkJsonSchema('output_schema', form.output_schema);

  const stored = await deps.blobs.putFile(staged.path, staged);
  const row = await saveOrRemove(deps, stored.checksum, () =>
    deps.repository.insert({
      id: randomId('model'),
      tenantId,
      name: form.name ?? baseName(file.name),
      format,
      size: stored.size,
      checksum: stored.checksum,
      inputs,
      outputs,
      inputShape: form.input_shape ?? shapeOf(inputs[0]),
      outputShape: form.output_shape ?? shapeOf(outputs[0]),
      inputSchema: form.input_schema ?? null,
      outputSchema: form.output_schema ?? null,
      labels: form.labels ?? null,
      preprocessing: form.preprocessing ?? null,
      postprocessing: form.postprocessing ?? null,
      uploadedAt: deps.now,
      updatedAt: deps.now,
    }),
  );
  // A delete of the last model with the same content may have removed the file between put and insert.
  if (!(await deps.blobs.has(stored.checksum))) await deps.blobs.putFile(staged.path, staged);
  return row;
}

/** Saves the record; if that fails, the stored file goes again unless another model refers to it. */
async function saveOrRemove(
  deps: { repository: ModelRepository; blobs: BlobStore },
  checksum: string,
  save: () => Promise<ModelRow>,
): Promise<ModelRow> {
  try {
    return await save();
  } catch (error) {
    if ((await deps.repository.countByChecksum(checksum)) === 0) await deps.blobs.delete(checksum);
    throw error;
  }
}
