/**
 * JSONL rows: one JSON object per line (node:readline over the stream), blank lines skipped. The first
 * object's keys are the columns; every later object must have the same keys (in any order).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { featureColumns, invalidDataset, jsonNumber, type DatasetRecord } from './dataset-values.js';

export async function* jsonlRecords(
  source: Readable,
  labelColumn: string,
  onColumns: (columns: string[]) => void,
): AsyncGenerator<DatasetRecord> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let names: string[] | undefined;
  let columns: string[] = [];
  let line = 0;
  try {
    for await (const raw of lines) {
      line += 1;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      const object = parseObject(text, line);
      const keys = Object.keys(object);
      if (!names) {
        names = keys;
        columns = featureColumns(names, labelColumn, line);
        onColumns(columns);
      } else checkKeys(names, keys, line);
      yield {
        line,
        features: columns.map((column) => jsonNumber(object[column], column, line)),
        label: jsonNumber(object[labelColumn], labelColumn, line),
      };
    }
  } finally {
    lines.close();
    source.destroy();
  }
  if (!names) throw invalidDataset('The file is empty: a JSONL dataset has one JSON object per line');
}

function parseObject(text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidDataset(`Line ${line} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidDataset(`Line ${line}: expected a JSON object with one key per column`);
  return value as Record<string, unknown>;
}

function checkKeys(names: string[], keys: string[], line: number) {
  const expected = new Set(names);
  const present = new Set(keys);
  const missing = names.filter((name) => !present.has(name));
  const extra = keys.filter((key) => !expected.has(key));
  if (missing.length || extra.length)
    throw invalidDataset(
      `Line ${line}: its keys differ from the first row's` +
        (missing.length ? `; missing: ${missing.join(', ')}` : '') +
        (extra.length ? `; not in the first row: ${extra.join(', ')}` : ''),
    );
}
