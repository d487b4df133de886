/**
 * Stacked batches (`stacked_input` / `stacked_inputs` of submitBatchInference): the tasks arrive as the
 * rows of one tensor per model input. They are checked once as tensors, stored as binary row slices
 * and run as row ranges of up to `maxRows`, without ever becoming
 * one JSON object per task, which is what makes them several times faster than `inputs`. Task `i` is row
 * `i`; its result is what `{data: <row i>, shape: [1, ...]}` as an item of `inputs` would give.
 * The input is stored once as a safetensors blob and the slices name row ranges of it. Models without a
 * postprocessing adapter have each slice's outputs stored the same way, as a blob of binary tensors, cut into
 * per-task `{data, shape}` results only when a page of results is read.
 */
import type { TensorInfo } from '../../db/schema.js';
import { decodeSafetensors, encodeSafetensors } from '../../inference/safetensors.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { QueueFullError } from '../../inference/inference-errors.js';
import type { InferenceEngine } from '../../inference/inference-engine.js';
import { stack, typedArrayFrom, type Feeds, type TensorData } from '../../inference/tensors.js';
import type { ModelRow } from '../models/model-record.js';
import { rowsOf, tensorFor } from './build-feeds.js';
import { InputProblem } from './input-problem.js';
import type { ExecutableModel } from './model-lookup.js';
import { postprocess, rawResult } from './postprocess.js';
import type { ItemOptions, ItemsOutcome } from './run-item.js';

export const MAX_STACKED_ROWS = 1_000_000;
/**
 * Default input bytes per stored slice: a slice is one claim, one transaction, the unit of redo after a
 * crash and of sharing a job between replicas. Its rows live in the input blob, so its size costs the
 * database nothing; measured (scripts/bench), 1 MiB slices ran a 100,000-row job of the tiny MLP in about
 * two thirds of the time 256 KiB slices took (fewer claims and completions on the event loop).
 */
export const STACKED_SLICE_BYTES = 1024 * 1024;

/** Rows per stored slice: about `sliceBytes` of input, at least 16 rows and at most 65,536. */
export function rowsPerSlice(feeds: Feeds, rows: number, sliceBytes = STACKED_SLICE_BYTES): number {
  const bytesPerRow = Object.values(feeds).reduce((sum, tensor) => sum + tensor.data.byteLength / rows, 0);
  return Math.min(65_536, Math.max(16, Math.floor(sliceBytes / Math.max(1, bytesPerRow))));
}

export interface StackedRequest {
  stacked_input?: unknown;
  stacked_inputs?: Record<string, unknown>;
}

/** The stacked tensors of a request, checked against the model's inputs with dimension 0 counting tasks. */
export function prepareStacked(model: ModelRow, request: StackedRequest): { feeds: Feeds; rows: number } {
  const field = request.stacked_input !== undefined ? 'stacked_input' : 'stacked_inputs';
  if (model.preprocessing && model.preprocessing !== 'passthrough') {
    throw new InputProblem(field, `the model has the ${model.preprocessing} preprocessing adapter, which takes one input object per task: send inputs`);
  }
  if (model.inputSchema) throw new InputProblem(field, "the model has an input_schema, which is checked per input object: send inputs");
  const perRow = (info: TensorInfo, path: string): TensorInfo => {
    const first = info.shape[0];
    if (typeof first === 'number' && first > 1) {
      throw new InputProblem(path, `model input '${info.name}' fixes dimension 0 at ${first}, so its rows are not tasks: send inputs`);
    }
    return { ...info, shape: ['tasks', ...info.shape.slice(1)] };
  };
  const feeds: Feeds = {};
  if (request.stacked_input !== undefined) {
    if (model.inputs.length !== 1) {
      throw new InputProblem('stacked_input', `the model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}): send them by name in stacked_inputs`);
    }
    const info = model.inputs[0]!;
    feeds[info.name] = tensorFor(perRow(info, 'stacked_input'), request.stacked_input, 'stacked_input');
  } else {
    const named = request.stacked_inputs!;
    for (const info of model.inputs) {
      const path = `stacked_inputs.${info.name}`;
      if (!(info.name in named)) throw new InputProblem(path, `missing model input '${info.name}' (the model takes ${model.inputs.map((i) => i.name).join(', ')})`);
      feeds[info.name] = tensorFor(perRow(info, path), named[info.name], path);
    }
    const unknown = Object.keys(named).find((name) => !model.inputs.some((info) => info.name === name));
    if (unknown !== undefined) throw new InputProblem(`stacked_inputs.${unknown}`, `the model has no input '${unknown}' (it takes ${model.inputs.map((i) => i.name).join(', ')})`);
  }
  const rows = rowsOf(feeds, field);
  if (rows > MAX_STACKED_ROWS) throw new InputProblem(`${field}.shape[0]`, `at most ${MAX_STACKED_ROWS} tasks per batch, got ${rows}`);
  return { feeds, rows };
}

/**
 * The prepared items of an `inputs` batch as stacked tensors, when every item is one row (dimension 0 is 1)
 * of the same inputs, types and trailing dimensions: the common case of the seed's form, which then runs as
 * fast as `stacked_input` with the same per-task results. Undefined when any item differs (it keeps
 * one object per task). Items are prepared at submission (input_schema, preprocessing, tensor checks), so
 * what is stored is what was checked.
 */
export function stackItems(items: Feeds[]): Feeds | undefined {
  const first = items[0];
  if (!first) return undefined;
  const names = Object.keys(first);
  // Checked field by field rather than by stackKey(): 100,000 key strings were a third of this function.
  const fits = (feeds: Feeds) => {
    let count = 0;
    for (const name in feeds) {
      const tensor = feeds[name]!;
      const model = first[name];
      if (!model || tensor.type !== model.type || tensor.dims[0] !== 1 || tensor.dims.length !== model.dims.length) return false;
      for (let d = 1; d < tensor.dims.length; d++) if (tensor.dims[d] !== model.dims[d]) return false;
      count += 1;
    }
    return count === names.length;
  };
  for (const feeds of items) if (!fits(feeds)) return undefined;
  return Object.fromEntries(names.map((name) => [name, stack(items.map((feeds) => feeds[name]!), true)]));
}

/** Stores a stacked batch's input (one blob) and returns its slices of about `sliceBytes` of rows each. */
export async function storeStackedSlices(blobs: BlobStore, feeds: Feeds, rows: number, sliceBytes = STACKED_SLICE_BYTES): Promise<{ itemCount: number; items: string }[]> {
  // The input is stored before the job row that names it, so a stored job is never without its rows; a
  // crash in between leaves an unreferenced blob, never a broken job.
  const checksum = await storeStackedInput(blobs, feeds);
  const perSlice = rowsPerSlice(feeds, rows, sliceBytes);
  const slices = [];
  for (let start = 0; start < rows; start += perSlice) {
    const end = Math.min(rows, start + perSlice);
    slices.push({ itemCount: end - start, items: stackedSliceText(checksum, start, end) });
  }
  return slices;
}

/** Rows [start, end) of every tensor, as views (no copy). */
export function rowRange(feeds: Feeds, start: number, end: number): Feeds {
  const out: Feeds = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    const width = tensor.data.length / tensor.dims[0]!;
    out[name] = { type: tensor.type, dims: [end - start, ...tensor.dims.slice(1)], data: tensor.data.subarray(start * width, end * width) as TensorData['data'] };
  }
  return out;
}

/**
 * A stored slice of a stacked batch: the row range [start, end) of the batch's input, which is stored once,
 * whole, as a safetensors blob (content-addressed, in the blob store). Keeping the bytes out of the slice
 * rows spared the embedded database most of a large job's time: 100,000 rows of 4 float32 values were 2 MB
 * of base64 that PGlite measured, encoded and wrote page by page (scripts/bench, docs/performance.md).
 */
interface StackedSliceRef {
  stacked_blob: { checksum: string; start: number; end: number };
}

/** Stores a stacked batch's input tensors as one blob; returns its checksum for the slices. */
export async function storeStackedInput(blobs: BlobStore, feeds: Feeds): Promise<string> {
  return (await blobs.put(encodeSafetensors(feeds, { content: 'computeplane.stacked_input' }))).checksum;
}

/** One slice's stored text: rows [start, end) of the input blob `checksum`. */
export function stackedSliceText(checksum: string, start: number, end: number): string {
  return JSON.stringify({ stacked_blob: { checksum, start, end } } satisfies StackedSliceRef);
}

/**
 * Decoded input blobs, shared by the slices of a job (a worker claims them one after another), bounded by
 * bytes, least recently used out first. Concurrent loads of one blob share one read.
 */
export function createStackedInputCache(blobs: BlobStore, maxBytes = 64 * 1024 * 1024) {
  const entries = new Map<string, { feeds: Promise<Feeds>; bytes: number }>();
  const evictBeyondLimit = (keep: string) => {
    let total = 0;
    for (const entry of entries.values()) total += entry.bytes;
    for (const [key, entry] of entries) {
      if (total <= maxBytes) break;
      if (key === keep) continue;
      entries.delete(key);
      total -= entry.bytes;
    }
  };
  return {
    get(checksum: string): Promise<Feeds> {
      const hit = entries.get(checksum);
      if (hit) {
        entries.delete(checksum);
        entries.set(checksum, hit);
        return hit.feeds;
      }
      const entry: { feeds: Promise<Feeds>; bytes: number } = { bytes: 0, feeds: Promise.resolve({}) };
      entry.feeds = blobs.get(checksum).then((bytes) => {
        entry.bytes = bytes.byteLength;
        evictBeyondLimit(checksum);
        return decodeSafetensors(bytes).tensors;
      });
      // A failed read is not cached: the next slice tries again.
      entry.feeds.catch(() => entries.get(checksum) === entry && entries.delete(checksum));
      entries.set(checksum, entry);
      return entry.feeds;
    },
  };
}
export type StackedInputCache = ReturnType<typeof createStackedInputCache>;

/** The feeds of a stored stacked slice, or undefined when the slice holds `inputs` items. */
export async function loadStackedSlice(stored: unknown, inputs: StackedInputCache): Promise<Feeds | undefined> {
  if (isObject(stored) && isObject(stored.stacked_blob)) {
    const { checksum, start, end } = (stored as unknown as StackedSliceRef).stacked_blob;
    return rowRange(await inputs.get(checksum), start, end);
  }
  // Slices stored inline as base64 by servers before the blob form: still readable after an upgrade.
  return isObject(stored) && isObject(stored.stacked) ? fromInline(stored.stacked as Record<string, InlineTensor>) : undefined;
}

/** A stacked slice's raw outputs, every row completed: what is stored instead of one result per row. */
export interface StackedResults {
  rows: number;
  /** The model's output names in order (a result with one output is its `{data, shape}`). */
  order: string[];
  outputs: Feeds;
}

/** Stacked results once stored: the slice's result text references a safetensors blob of its outputs. */
export interface StoredStackedResults {
  rows: number;
  text: string;
}

export async function storeStackedResults(blobs: BlobStore, results: StackedResults): Promise<StoredStackedResults> {
  const { checksum } = await blobs.put(encodeSafetensors(results.outputs, { content: 'computeplane.stacked_results' }));
  return { rows: results.rows, text: JSON.stringify({ stacked_results_blob: { checksum, order: results.order } }) };
}

/** The outputs behind a slice's stored result text, or undefined when it holds one result per task. */
export async function loadStackedResults(stored: unknown, blobs: BlobStore): Promise<Omit<StackedResults, 'rows'> | undefined> {
  if (isObject(stored) && isObject(stored.stacked_results_blob)) {
    const { checksum, order } = stored.stacked_results_blob as { checksum: string; order: string[] };
    return { order, outputs: decodeSafetensors(await blobs.get(checksum)).tensors };
  }
  if (isObject(stored) && isObject(stored.stacked_results)) {
    const { order, outputs } = stored.stacked_results as { order: string[]; outputs: Record<string, InlineTensor> };
    return { order, outputs: fromInline(outputs) };
  }
  return undefined;
}

interface InlineTensor {
  type: TensorData['type'];
  dims: number[];
  base64: string;
}
const fromInline = (stored: Record<string, InlineTensor>): Feeds =>
  Object.fromEntries(Object.entries(stored).map(([name, t]) => [name, { type: t.type, dims: t.dims, data: typedArrayFrom(t.type, Buffer.from(t.base64, 'base64')) }]));
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Row `row` of stored stacked results, as its task's result. */
export const stackedRowResult = (results: Omit<StackedResults, 'rows'>, row: number): unknown => rawResult(rowRange(results.outputs, row, row + 1), results.order);

/**
 * Input bytes one engine run of a stacked slice may carry when that is more rows than `maxRows` (the
 * dynamic batcher's limit for joining requests). Small rows go in bigger runs: per run the thread hop and
 * the copies cost the same, so 64-row runs of a 16-byte row spent more on the hop than on the model.
 */
export const STACKED_RUN_BYTES = 64 * 1024;

/**
 * Runs stacked rows through the engine in ranges of `maxRows` rows or STACKED_RUN_BYTES of input,
 * whichever is more rows (one row at a time for models whose first dimension is fixed), a few in flight. Without a postprocessing adapter and with every range
 * run, the outputs come back whole (StackedResults); otherwise one outcome per row.
 */
export async function runStacked(
  engine: InferenceEngine,
  model: ExecutableModel,
  feeds: Feeds,
  options: ItemOptions & { maxRows: number; maxInFlight?: number; retryWhenFull?: boolean },
): Promise<ItemsOutcome[] | StackedResults> {
  const rows = rowsOf(feeds);
  const bytesPerRow = Object.values(feeds).reduce((sum, tensor) => sum + tensor.data.byteLength / rows, 0);
  const step = model.handle.batchable ? Math.max(1, options.maxRows, Math.floor(STACKED_RUN_BYTES / Math.max(1, bytesPerRow))) : 1;
  const order = model.row.outputs.map((output) => output.name);
  const ranges: { start: number; end: number; outputs?: Feeds; error?: string }[] = [];
  for (let start = 0; start < rows; start += step) ranges.push({ start, end: Math.min(rows, start + step) });

  const runRange = async (range: (typeof ranges)[number]) => {
    const count = range.end - range.start;
    for (;;) {
      // Copies: the tensors are moved to the worker thread, and a retry needs them again.
      const owned: Feeds = Object.fromEntries(Object.entries(rowRange(feeds, range.start, range.end)).map(([name, t]) => [name, { ...t, data: t.data.slice() as TensorData['data'] }]));
      try {
        const { outputs } = await engine.submit(model.handle, owned, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
        const mismatch = Object.entries(outputs).find(([, tensor]) => tensor.dims[0] !== count);
        range.outputs = outputs;
        if (mismatch && count > 1) range.error = `output '${mismatch[0]}' has ${mismatch[1].dims[0]} rows for ${count} input rows`;
        return;
      } catch (error) {
        // Batch work yields to sync traffic: when the engine's queue is full, wait for room and retry.
        if (error instanceof QueueFullError && options.retryWhenFull) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        range.error = (error as Error).message;
        return;
      }
    }
  };
  let next = 0;
  const lanes = Math.max(1, Math.min(options.maxInFlight ?? 4, ranges.length));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < ranges.length) await runRange(ranges[next++]!);
    }),
  );

  const raw = !model.row.postprocessing || model.row.postprocessing === 'passthrough';
  if (raw && ranges.every((range) => range.error === undefined && Object.values(range.outputs!).every((t) => t.dims[0] === range.end - range.start))) {
    const outputs: Feeds = {};
    for (const name of Object.keys(ranges[0]!.outputs!)) outputs[name] = stack(ranges.map((range) => range.outputs![name]!));
    return { rows, order, outputs };
  }
  const outcomes: ItemsOutcome[] = new Array(rows);
  const context = { labels: model.row.labels, topK: options.topK ?? 5 };
  for (const range of ranges) {
    const count = range.end - range.start;
    for (let row = 0; row < count; row++) {
      outcomes[range.start + row] =
        range.error !== undefined
          ? { ok: false, error: range.error }
          : { ok: true, result: postprocess(model.row.postprocessing, count === 1 ? range.outputs! : rowRange(range.outputs!, row, row + 1), order, context) };
    }
  }
  return outcomes;
}
