/**
 * What a stored slice is, in and out: its input text (an array of `inputs` items, or a reference to rows
 * of a stacked input blob) and, once run, its outcome text with the counts the job row keeps. The
 * repository stores these as given; which format the text holds is stacked-storage.ts's business.
 */
import type { ItemResult } from '../../../platform/db/schema.js';

/** A slice as stored: its JSON text and how many tasks it holds. */
export interface StoredSlice {
  itemCount: number;
  items: string;
}

/** A slice's results as stored: the text, and what the job's counters need. */
export interface SliceOutcome {
  text: string;
  tasks: number;
  failed: number;
  /** The first failure's message (a single job reports it as its error). */
  firstError: string | null;
}

/** `inputs` items cut into stored slices of `chunkSize`. */
export function sliceItems(items: unknown[], chunkSize: number): StoredSlice[] {
  const slices: StoredSlice[] = [];
  for (let i = 0; i < items.length; i += chunkSize) {
    const chunk = items.slice(i, i + chunkSize);
    slices.push({ itemCount: chunk.length, items: JSON.stringify(chunk) });
  }
  return slices;
}

/** One result per task, stored as JSON. */
export function itemsOutcome(results: ItemResult[]): SliceOutcome {
  const failed = results.filter((item) => item.status === 'failed');
  return {
    text: JSON.stringify(results),
    tasks: results.length,
    failed: failed.length,
    firstError: failed[0]?.error ?? null,
  };
}
