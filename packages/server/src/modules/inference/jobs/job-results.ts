/**
 * A job's task results as the API pages them: the stored slices' text decoded, one result per task
 * (per-item slices hold JSON results; stacked slices reference an output blob, cut per row on read).
 */
import type { ItemResult } from '../../../platform/db/schema.js';
import type { BlobStore } from '../../../platform/storage/blob-store.js';
import type { JobRepository, TaskView } from './job-repository.js';
import { loadStackedResults, stackedRowItem } from './stacked-storage.js';

type Decoded = ItemResult[] | Awaited<ReturnType<typeof loadStackedResults>>;

async function decode(text: string | null, blobs: BlobStore): Promise<Decoded> {
  if (text === null) return undefined;
  const stored = JSON.parse(text) as unknown;
  return Array.isArray(stored) ? (stored as ItemResult[]) : loadStackedResults(stored, blobs);
}

const resultAt = (value: Decoded, i: number): ItemResult | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value[i] : stackedRowItem(value, i);

/** Item results `offset`..`offset + limit` in input order, including unfinished items. */
export async function readResults(
  jobs: JobRepository,
  blobs: BlobStore,
  jobId: string,
  offset: number,
  limit: number,
): Promise<TaskView[]> {
  const views: TaskView[] = [];
  for (const row of await jobs.resultSlices(jobId, offset, limit)) {
    const stored = row.status === 'completed' ? await decode(row.results, blobs) : undefined;
    for (let i = 0; i < row.itemCount; i++) {
      const index = row.firstItem + i;
      if (index < offset || index >= offset + limit) continue;
      const done = row.status === 'completed' ? resultAt(stored, i) : undefined;
      views.push(
        done
          ? { index, status: done.status, result: done.result ?? null, error: done.error }
          : { index, status: row.status === 'completed' ? 'failed' : row.status, result: null, error: null },
      );
    }
  }
  return views;
}
