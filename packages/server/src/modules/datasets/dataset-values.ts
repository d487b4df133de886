/**
 * The rules every dataset row follows, shared by the CSV and JSONL readers: the header's names, and
 * values that are numbers (decimal text in CSV, JSON numbers in JSONL). A broken rule is a 400
 * `INVALID_DATASET` whose message names the line and the column.
 */
import { ApiProblem } from '../../platform/http/problem.js';

/** One data row: `line` is its 1-based line number in the file (the line it ends on, for CSV). */
export interface DatasetRecord {
  line: number;
  features: number[];
  label: number;
}

export const invalidDataset = (message: string) => new ApiProblem(400, 'INVALID_DATASET', message);

/** The header's names, checked: none empty, none twice, the label among them, one feature at least. */
export function featureColumns(names: string[], labelColumn: string, line: number): string[] {
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (name === '') throw invalidDataset(`Line ${line}: column ${index + 1} has no name`);
    // PostgreSQL cannot store U+0000 in text or jsonb: refused here rather than failing the insert.
    if (name.includes('\u0000')) throw invalidDataset(`Line ${line}: the name of column ${index + 1} contains U+0000`);
    if (seen.has(name)) throw invalidDataset(`Line ${line}: column '${name}' appears twice`);
    seen.add(name);
  });
  if (!seen.has(labelColumn))
    throw invalidDataset(
      `Line ${line}: there is no label column '${labelColumn}' (columns: ${clip(names.join(', '), 200)}); ` +
        'name the label column with label_column',
    );
  const features = names.filter((name) => name !== labelColumn);
  if (features.length === 0) throw invalidDataset(`Line ${line}: there is no feature column besides the label`);
  return features;
}

// Decimal numbers only: Number() alone would also take '0x1F', 'Infinity' and '' (as 0).
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export const isDecimal = (text: string) => DECIMAL.test(text);

/** A CSV field as a number, or a 400 naming the line and column. */
export function csvNumber(text: string, column: string, line: number): number {
  if (text === '') throw invalidDataset(`Line ${line}: the value of column '${column}' is missing`);
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value))
    throw invalidDataset(`Line ${line}: the value of column '${column}' is not a number ('${clip(text)}')`);
  return value;
}

/** A JSONL value as a number, or a 400 naming the line and key. */
export function jsonNumber(value: unknown, column: string, line: number): number {
  if (value === null || value === undefined) throw invalidDataset(`Line ${line}: the value of '${column}' is missing`);
  if (typeof value !== 'number')
    throw invalidDataset(`Line ${line}: the value of '${column}' is not a number (${clip(JSON.stringify(value))})`);
  return value;
}

const clip = (text: string, length = 40) => (text.length > length ? `${text.slice(0, length)}…` : text);
