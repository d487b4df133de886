/**
 * What an upload learns from reading every row once: the columns, the row count and the label's type
 * and range. Labels that are all integers make a classification dataset (`class`, with the number of
 * distinct values); one non-integer label, or more than MAX_CLASSES distinct integers, a regression
 * dataset (`float`). Only the distinct labels are kept (at most MAX_CLASSES), never the rows.
 */
import type { Readable } from 'node:stream';
import { datasetRecords, type DatasetFormat } from './dataset-rows.js';
import { invalidDataset } from './dataset-values.js';

export const MAX_CLASSES = 65_536;

export interface DatasetStats {
  columns: string[];
  rows: number;
  labelType: 'class' | 'float';
  numClasses: number | null;
  labelMin: number;
  labelMax: number;
}

export async function datasetStats(
  source: Readable,
  format: DatasetFormat,
  labelColumn: string,
): Promise<DatasetStats> {
  let columns: string[] = [];
  let rows = 0;
  let labelMin = Infinity;
  let labelMax = -Infinity;
  let classes: Set<number> | undefined = new Set();
  for await (const { label } of datasetRecords(source, format, labelColumn, (names) => (columns = names))) {
    rows += 1;
    if (label < labelMin) labelMin = label;
    if (label > labelMax) labelMax = label;
    if (classes && Number.isSafeInteger(label)) classes.add(label);
    else classes = undefined;
    if (classes && classes.size > MAX_CLASSES) classes = undefined;
  }
  if (rows === 0) throw invalidDataset('The file has a header but no data rows');
  return {
    columns,
    rows,
    labelType: classes ? 'class' : 'float',
    numClasses: classes ? classes.size : null,
    labelMin,
    labelMax,
  };
}
