/**
 * The rows of a `batch` input file, and the most compact request the API accepts for them: CSV (a header row
 * names the feature columns, or every row is numbers) or JSONL (each line a JSON array of numbers, an object
 * of numbers by feature name, or an input item as the API takes it). Numeric rows of the model's fixed
 * feature size go as one stacked tensor (base64 bytes where the element type allows), the rest as `inputs`.
 */
import { readFile } from 'node:fs/promises';
import type { Model } from '@computeplane/sdk/models';
import { tensorBase64, type BatchInferenceRequest } from '@computeplane/sdk/inference';
import { parseCsv } from '../../core/csv.js';
import { UsageError } from '../../core/errors.js';

/** One task: a row of numbers, or an input item given as it is. */
export type BatchRow = { values: number[] } | { item: unknown };

export interface ColumnChoice {
  /** Only these columns (CSV header names or JSONL object keys), in this order. */
  columns?: string[];
  /** Every column but these. */
  exclude?: string[];
}

export async function readBatchRows(file: string, choice: ColumnChoice): Promise<BatchRow[]> {
  const text = await readFile(file, 'utf8');
  const rows = /\.jsonl$|\.ndjson$/i.test(file) ? jsonlRows(text, file, choice) : csvRows(text, file, choice);
  if (rows.length === 0) throw new UsageError(`${file} has no rows`);
  return rows;
}

const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

function pick(names: string[], choice: ColumnChoice, file: string): number[] {
  for (const name of [...(choice.columns ?? []), ...(choice.exclude ?? [])])
    if (!names.includes(name)) throw new UsageError(`${file} has no column "${name}" (it has ${names.join(', ')})`);
  const chosen = choice.columns ?? names.filter((name) => !(choice.exclude ?? []).includes(name));
  return chosen.map((name) => names.indexOf(name));
}

function csvRows(text: string, file: string, choice: ColumnChoice): BatchRow[] {
  const lines = parseCsv(text);
  if (lines.length === 0) return [];
  const header = lines[0]!.fields.some((field) => !isNumber(field)) ? lines.shift()!.fields.map((f) => f.trim()) : null;
  const width = header?.length ?? lines[0]?.fields.length ?? 0;
  const names = header ?? Array.from({ length: width }, (_, i) => String(i));
  if (!header && (choice.columns || choice.exclude))
    throw new UsageError(`--columns and --exclude need a header row, and ${file} has none`);
  const indexes = pick(names, choice, file);
  return lines.map(({ fields, line }) => {
    if (fields.length !== width)
      throw new UsageError(
        `${file} line ${line} has ${fields.length} values, ${header ? 'the header has' : 'the first row has'} ${width}`,
      );
    return {
      values: indexes.map((index) => {
        const field = fields[index]!;
        if (!isNumber(field))
          throw new UsageError(`${file} line ${line}, column ${names[index]}: "${field}" is not a number`);
        return Number(field);
      }),
    };
  });
}

function jsonlRows(text: string, file: string, choice: ColumnChoice): BatchRow[] {
  const rows: BatchRow[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`${file} line ${index + 1} is not JSON (${(error as Error).message})`);
    }
    if (Array.isArray(value) && value.every((element) => typeof element === 'number'))
      rows.push({ values: value as number[] });
    else if (isNumberRecord(value)) {
      const names = Object.keys(value);
      rows.push({ values: pick(names, choice, `${file} line ${index + 1}`).map((i) => value[names[i]!]!) });
    } else rows.push({ item: value });
  });
  return rows;
}

function isNumberRecord(value: unknown): value is Record<string, number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.values(value).every((element) => typeof element === 'number')
  );
}

export type BatchBody = Omit<BatchInferenceRequest, 'model_id' | 'name' | 'options'>;

/** The request body for these rows, and the form chosen, in words. */
export function planBatch(model: Model, rows: BatchRow[]): { body: BatchBody; form: string } {
  const numeric = rows.every((row): row is { values: number[] } => 'values' in row);
  const input = model.inputs.length === 1 ? model.inputs[0]! : undefined;
  const rowDims = input?.shape.slice(1) ?? [];
  const fixed = rowDims.every((dim): dim is number => typeof dim === 'number');
  const rowSize = fixed ? (rowDims as number[]).reduce((a, b) => a * b, 1) : -1;
  if (
    numeric &&
    input &&
    input.shape.length >= 2 &&
    fixed &&
    !model.preprocessing &&
    !model.input_schema &&
    rows.every((row) => row.values.length === rowSize)
  ) {
    const shape = [rows.length, ...(rowDims as number[])];
    const flat = rows.flatMap((row) => row.values);
    const typed = typedArray(input.type, flat);
    return typed
      ? { body: { stacked_input: tensorBase64(typed, shape) }, form: `one stacked ${input.type} tensor, base64` }
      : { body: { stacked_input: { data: flat, shape } }, form: `one stacked ${input.type} tensor` };
  }
  if (model.inputs.length > 1 && rows.some((row) => 'values' in row))
    throw new UsageError(
      `model ${model.id} has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}): ` +
        'give a JSONL file whose lines are {"inputs": {"<name>": {"data": [...], "shape": [...]}}}',
    );
  const inputs = rows.map((row) => {
    if ('item' in row) return row.item;
    if (model.preprocessing === 'tabular') return { features: row.values };
    const shape = fixed && rowSize === row.values.length ? [1, ...(rowDims as number[])] : [1, row.values.length];
    return { data: row.values, shape };
  });
  return { body: { inputs: inputs as BatchBody['inputs'] }, form: 'one input per row' };
}

function typedArray(type: string, values: number[]) {
  const integers = values.every(Number.isInteger);
  switch (type) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int32':
      return integers ? Int32Array.from(values) : undefined;
    case 'int64':
      return integers ? BigInt64Array.from(values, (value) => BigInt(value)) : undefined;
    default:
      return undefined;
  }
}
