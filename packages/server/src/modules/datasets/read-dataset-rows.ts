/**
 * A stored dataset's rows for training: streamed from the blob store part by part and parsed one row
 * at a time, in file order, with the values exactly as written (doubles). Constant memory whatever the
 * file's size.
 */
import { Readable } from 'node:stream';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import type { DatasetRow } from './dataset-record.js';
import { datasetRecords } from './dataset-rows.js';

export interface DatasetSample {
  features: number[];
  label: number;
}

export async function* readDatasetRows(
  blobs: BlobStore,
  dataset: Pick<DatasetRow, 'checksum' | 'format' | 'labelColumn'>,
): AsyncGenerator<DatasetSample> {
  const source = Readable.from(blobs.read(dataset.checksum), { objectMode: false });
  for await (const { features, label } of datasetRecords(source, dataset.format, dataset.labelColumn))
    yield { features, label };
}
