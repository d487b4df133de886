/**
 * A batch job's results, in input order, as JSONL (one TaskResult per line, as the API gives it) or CSV (index,
 * status, the result flattened into columns, error), on stdout or into a file.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { unwrap, type Computeplane } from '@computeplane/sdk';
import { getInferenceJob, type TaskResult } from '@computeplane/sdk/inference';
import { csvLine } from '../../core/csv.js';
import { UsageError } from '../../core/errors.js';

export type ResultFormat = 'jsonl' | 'csv';

/** --format wins; otherwise the --output file's extension; otherwise JSONL. */
export function resultFormat(flags: { format?: string; output?: string }): ResultFormat {
  const format = flags.format ?? (flags.output && /\.csv$/i.test(flags.output) ? 'csv' : 'jsonl');
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format must be jsonl or csv, got "${format}"`);
  return format;
}

export interface ResultSelection {
  offset?: number;
  limit?: number;
}

/** The job's results from `offset` (at most `limit`, default all), fetched a page at a time. */
export async function fetchResults(
  client: Computeplane,
  jobId: string,
  selection: ResultSelection,
  signal: AbortSignal,
): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  let offset = selection.offset ?? 0;
  const end = selection.limit === undefined ? Infinity : offset + selection.limit;
  while (offset < end) {
    const page = await unwrap(
      getInferenceJob(
        client,
        { params: { path: { jobId }, query: { results_offset: offset, results_limit: Math.min(1000, end - offset) } } },
        { signal },
      ),
    );
    results.push(...page.results);
    offset += page.results.length;
    if (page.results.length === 0 || offset >= page.progress.total) break;
  }
  return results;
}

/** Writes the results to `output` (a file) or stdout. */
export async function writeResults(results: TaskResult[], format: ResultFormat, output?: string): Promise<void> {
  const lines = format === 'jsonl' ? results.map((result) => JSON.stringify(result)) : csvLines(results);
  const stream = output ? createWriteStream(output) : process.stdout;
  for (const line of lines) if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  if (output) {
    stream.end();
    await once(stream, 'finish');
  }
}

function csvLines(results: TaskResult[]): string[] {
  const flat = results.map((result) => flatten(result.result));
  const columns: string[] = [];
  for (const row of flat) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return [
    csvLine(['index', 'status', ...columns, 'error']),
    ...results.map((result, i) =>
      csvLine([result.index, result.status, ...columns.map((c) => flat[i]![c]), result.error]),
    ),
  ];
}

/** One task's result as named columns: labels and scores, predictions, tensor elements, else its JSON. */
function flatten(result: unknown): Record<string, unknown> {
  if (result === null || typeof result !== 'object') return {};
  const record = result as Record<string, unknown>;
  if (Array.isArray(record.predictions) && record.predictions.length === 1) {
    const prediction = record.predictions[0] as unknown;
    if (typeof prediction === 'number') return { prediction };
    if (Array.isArray(prediction)) return Object.fromEntries(prediction.map((v, i) => [`prediction_${i}`, v]));
    if (prediction && typeof prediction === 'object') {
      const { top_k: _topK, ...rest } = prediction as Record<string, unknown>;
      return rest;
    }
  }
  if (Array.isArray(record.data) && Array.isArray(record.shape))
    return Object.fromEntries(record.data.map((v, i) => [`output_${i}`, v]));
  return { result: record };
}
