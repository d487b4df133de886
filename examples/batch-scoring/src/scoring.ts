/**
 * Scores the rows of a numeric CSV file with a stored model: the rows go to the server as one stacked
 * batch (the rows of one float32 tensor, sent as bytes with tensorBase64), the job is polled to
 * completion, and the results come back page by page as CSV: a label and score per row for models with
 * the top_k_labels or binary_classification adapter, the output values otherwise.
 */
import { parse } from 'csv-parse/sync';
import { unwrap, type Computeplane, type PollOptions } from '@computeplane/sdk';
import {
  iterateBatchResults,
  submitBatchInference,
  tensorBase64,
  waitForInferenceJob,
} from '@computeplane/sdk/inference';

export interface Features {
  columns: string[];
  rows: number;
  /** Row-major, `rows` x `columns.length`. */
  values: Float32Array;
}

/** A CSV file with a header line and numbers only, as float32 features. Throws naming the first bad cell. */
export function readFeatures(csv: string): Features {
  const [columns, ...records] = parse(csv, { skip_empty_lines: true, trim: true, bom: true }) as string[][];
  if (!columns || records.length === 0) throw new Error('the CSV needs a header line and at least one row');
  const values = new Float32Array(records.length * columns.length);
  records.forEach((record, row) => {
    if (record.length !== columns.length)
      throw new Error(`line ${row + 2}: ${record.length} values for ${columns.length} columns`);
    record.forEach((cell, column) => {
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value))
        throw new Error(`line ${row + 2}, column ${columns[column]}: '${cell}' is not a number`);
      values[row * columns.length + column] = value;
    });
  });
  return { columns, rows: records.length, values };
}

interface Prediction {
  label: string;
  score: number;
}

/** One CSV line per task result, after a header chosen from the first result's shape. */
function toCsv(results: unknown[]): string {
  const first = results[0] as { predictions?: Prediction[]; data?: number[] } | undefined;
  if (first?.predictions) {
    const lines = results.map((result, row) => {
      const best = (result as { predictions: Prediction[] }).predictions[0]!;
      return `${row},${JSON.stringify(best.label)},${best.score}`;
    });
    return ['row,label,score', ...lines].join('\n') + '\n';
  }
  const width = first?.data?.length ?? 0;
  const header = ['row', ...Array.from({ length: width }, (_, i) => `output_${i}`)].join(',');
  return (
    [header, ...results.map((result, row) => [row, ...(result as { data: number[] }).data].join(','))].join('\n') + '\n'
  );
}

/**
 * Runs every row through the model as one batch job and returns the results as CSV. A failed task, or a
 * job that does not complete, throws with the server's reason.
 */
export async function scoreFeatures(
  client: Computeplane,
  modelId: string,
  features: Features,
  poll: PollOptions = {},
): Promise<string> {
  const { job_id } = await unwrap(
    submitBatchInference(client, {
      body: {
        model_id: modelId,
        name: 'batch-scoring',
        stacked_input: tensorBase64(features.values, [features.rows, features.columns.length]),
      },
    }),
  );
  const job = await waitForInferenceJob(client, job_id, poll);
  if (job.status !== 'completed')
    throw new Error(`job ${job_id} ended ${job.status}${job.error ? `: ${job.error}` : ''}`);
  const results: unknown[] = [];
  for await (const item of iterateBatchResults(client, job_id)) {
    if (item.status !== 'completed') throw new Error(`row ${item.index} ${item.status}: ${item.error ?? 'no result'}`);
    results.push(item.result);
  }
  return toCsv(results);
}
