/**
 * Where stacked batches live: the whole input is stored once as a safetensors blob (in the blob store:
 * local files on PGlite, the `blobs` table on PostgreSQL) before the job row, and each slice row names a
 * row range of it; a slice's raw outputs are one more blob. The database holds references only.
 */
import { decodeSafetensors, encodeSafetensors } from '../engine/safetensors.js';
import type { Feeds } from '../engine/tensors.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import type { SliceOutcome, StoredSlice } from './slices.js';
import { rawResult } from '../requests/postprocess.js';
import { nonFiniteProblem, NonFiniteResultError } from '../requests/finite-results.js';
import type { ItemResult } from '../../../platform/db/schema.js';
import { rowRange, type StackedResults } from '../requests/stacked-batch.js';
import { DEFAULT_SETTINGS } from '../../../platform/settings.js';

/**
 * Default input bytes per stored slice: a slice is one claim, one transaction, the unit of redo after a
 * crash and of sharing a job between replicas. Its rows live in the input blob, so its size costs the
 * database nothing; measured (scripts/bench), 1 MiB slices ran a 100,000-row job of the tiny MLP in about
 * two thirds of the time 256 KiB slices took (fewer claims and completions on the event loop).
 */

/** Rows per stored slice: about `sliceBytes` of input, at least 16 rows and at most 65,536. */
export function rowsPerSlice(
  feeds: Feeds,
  rows: number,
  sliceBytes = DEFAULT_SETTINGS.inference.stackedSliceBytes,
): number {
  const bytesPerRow = Object.values(feeds).reduce((sum, tensor) => sum + tensor.data.byteLength / rows, 0);
  return Math.min(65_536, Math.max(16, Math.floor(sliceBytes / Math.max(1, bytesPerRow))));
}

/** Stores a stacked batch's input (one blob) and returns its slices of about `sliceBytes` of rows each. */
export async function storeStackedSlices(
  blobs: BlobStore,
  feeds: Feeds,
  rows: number,
  sliceBytes = DEFAULT_SETTINGS.inference.stackedSliceBytes,
): Promise<StoredSlice[]> {
  // The input is stored before the job row that names it, so a stored job is never without its rows; a
  // crash in between leaves an unreferenced blob, never a broken job.
  const checksum = await storeStackedInput(blobs, feeds);
  const perSlice = rowsPerSlice(feeds, rows, sliceBytes);
  const slices: StoredSlice[] = [];
  for (let start = 0; start < rows; start += perSlice) {
    const end = Math.min(rows, start + perSlice);
    slices.push({ itemCount: end - start, items: stackedSliceText(checksum, start, end) });
  }
  return slices;
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
  return undefined;
}

/**
 * Stores a slice's raw outputs as one blob; its outcome text references it. Every row ran; a row whose
 * outputs are not finite counts as failed here and reads as failed (stackedRowItem), never as `null`s.
 */
export async function storeStackedResults(blobs: BlobStore, results: StackedResults): Promise<SliceOutcome> {
  const { checksum } = await blobs.put(encodeSafetensors(results.outputs, { content: 'computeplane.stacked_results' }));
  let failed = 0;
  let firstError: string | null = null;
  // One pass over the whole outputs first: rows are looked at one by one only when something is not finite.
  if (nonFiniteProblem(results.outputs, results.order) !== undefined) {
    for (let row = 0; row < results.rows; row++) {
      const item = stackedRowItem(results, row);
      if (item.status === 'failed') {
        failed += 1;
        firstError ??= item.error;
      }
    }
  }
  return {
    tasks: results.rows,
    failed,
    firstError,
    text: JSON.stringify({ stacked_results_blob: { checksum, order: results.order } }),
  };
}

/** The outputs behind a slice's stored result text, or undefined when it holds one result per task. */
export async function loadStackedResults(
  stored: unknown,
  blobs: BlobStore,
): Promise<Omit<StackedResults, 'rows'> | undefined> {
  if (isObject(stored) && isObject(stored.stacked_results_blob)) {
    const { checksum, order } = stored.stacked_results_blob as { checksum: string; order: string[] };
    return { order, outputs: decodeSafetensors(await blobs.get(checksum)).tensors };
  }
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Row `row` of stored stacked results, as its task's result: failed when its outputs are not finite. */
export function stackedRowItem(results: Omit<StackedResults, 'rows'>, row: number): ItemResult {
  const own = rowRange(results.outputs, row, row + 1);
  const problem = nonFiniteProblem(own, results.order);
  return problem !== undefined
    ? { status: 'failed', result: null, error: new NonFiniteResultError(problem).taskError }
    : { status: 'completed', result: rawResult(own, results.order), error: null };
}
