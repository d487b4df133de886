/**
 * The upload use-case: the file arrives staged on disk (platform/http/multipart-stream.ts) with its
 * sha256, is read from there as a stream and checked row by row (dataset-stats.ts), then stored by its
 * checksum and recorded. Nothing is stored unless every row is valid, and a file whose record could not
 * be saved is removed again unless another dataset refers to it.
 */
import type { z } from 'zod';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { DatasetUploadSchema } from '../../generated/routes/datasets.js';
import { randomId } from '../../platform/http/ids.js';
import { stagedFileOf } from '../../platform/http/multipart-stream.js';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import type { DatasetRow } from './dataset-record.js';
import type { DatasetRepository } from './dataset-repository.js';
import type { DatasetFormat } from './dataset-rows.js';
import { datasetStats } from './dataset-stats.js';
import { invalidDataset } from './dataset-values.js';

export type DatasetUploadForm = z.input<typeof DatasetUploadSchema>;

/** The first bytes of the file, to tell JSONL (`{`) from CSV when neither the form nor the name says. */
async function headOf(path: string): Promise<string> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(256), position: 0 });
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}

async function detectFormat(form: DatasetUploadForm, path: string): Promise<DatasetFormat> {
  if (form.format) return form.format;
  const name = form.file.name.toLowerCase();
  if (name.endsWith('.csv')) return 'csv';
  if (/\.(jsonl|ndjson)$/.test(name)) return 'jsonl';
  return (await headOf(path))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'jsonl'
    : 'csv';
}

const baseName = (fileName: string) => fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || 'dataset';

export async function uploadDataset(
  deps: { repository: DatasetRepository; blobs: BlobStore; now: Date },
  tenantId: string,
  form: DatasetUploadForm,
): Promise<DatasetRow> {
  const file = form.file;
  if (file.size === 0) throw invalidDataset('The file is empty');
  const staged = stagedFileOf(file);
  if (!staged) throw new Error('the dataset file was not staged on disk (multipart-stream middleware missing)');
  const format = await detectFormat(form, staged.path);
  const labelColumn = form.label_column ?? 'label';
  const stats = await datasetStats(createReadStream(staged.path), format, labelColumn);

  const stored = await deps.blobs.putFile(staged.path, staged);
  let row: DatasetRow;
  try {
    row = await deps.repository.insert({
      id: randomId('ds'),
      tenantId,
      name: form.name ?? baseName(file.name),
      format,
      size: stored.size,
      checksum: stored.checksum,
      rows: stats.rows,
      columns: stats.columns,
      labelColumn,
      labelType: stats.labelType,
      numClasses: stats.numClasses,
      labelMin: stats.labelMin,
      labelMax: stats.labelMax,
      createdAt: deps.now,
    });
  } catch (error) {
    if ((await deps.repository.countByChecksum(stored.checksum)) === 0) await deps.blobs.delete(stored.checksum);
    throw error;
  }
  // A delete of the last dataset with the same content may have removed the file between put and insert.
  if (!(await deps.blobs.has(stored.checksum))) await deps.blobs.putFile(staged.path, staged);
  return row;
}
