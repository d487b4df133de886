/**
 * The rows of a dataset file, parsed as a stream: CSV (csv-parse) or JSONL (node:readline), one record
 * at a time, so a file of any size is read in constant memory. Both formats give the same records:
 * the feature values in column order and the label, each an exact double. A row that breaks a rule
 * (see openapi/datasets.yaml) throws a 400 `INVALID_DATASET` naming its line and column.
 */
import type { Readable } from 'node:stream';
import { csvRecords } from './csv-records.js';
import type { DatasetRecord } from './dataset-values.js';
import { jsonlRecords } from './jsonl-records.js';

export type { DatasetRecord } from './dataset-values.js';

export type DatasetFormat = 'csv' | 'jsonl';

/**
 * The rows of `source`. `onColumns` hears the feature columns (file order, label left out) before the
 * first row.
 */
export function datasetRecords(
  source: Readable,
  format: DatasetFormat,
  labelColumn: string,
  onColumns: (columns: string[]) => void = () => undefined,
): AsyncGenerator<DatasetRecord> {
  return format === 'csv' ? csvRecords(source, labelColumn, onColumns) : jsonlRecords(source, labelColumn, onColumns);
}
