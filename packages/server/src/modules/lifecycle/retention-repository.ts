/**
 * Deletes expired data a batch at a time, each batch claimed with FOR UPDATE SKIP LOCKED so replicas
 * sweeping at once share the work instead of waiting on each other. Task records are deleted only from
 * hours that are over: the rollups they feed are written in the same transaction as the records, so a
 * record that exists is already rolled up.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { queryRows } from '../../platform/db/query-rows.js';

const BATCH = 500;

export function retentionRepository(db: Db) {
  return {
    /** Deletes finished inference jobs (their slices cascade); returns the blobs their slices named. */
    async inferenceJobs(before: Date): Promise<{ jobs: number; blobs: string[] }> {
      return db.transaction(async (tx) => {
        const jobs = await queryRows<{ id: string }>(
          tx,
          sql`SELECT id FROM inference_jobs
              WHERE status IN ('completed', 'failed', 'cancelled') AND completed_at < ${before.toISOString()}::timestamptz
              ORDER BY completed_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        if (jobs.length === 0) return { jobs: 0, blobs: [] };
        const ids = sql.join(
          jobs.map((j) => sql`${j.id}`),
          sql`, `,
        );
        const refs = await queryRows<{ checksum: string | null }>(
          tx,
          sql`SELECT DISTINCT checksum FROM (
                SELECT CASE WHEN items LIKE '{"stacked_blob"%' THEN items::jsonb->'stacked_blob'->>'checksum' END AS checksum
                  FROM inference_tasks WHERE job_id IN (${ids})
                UNION
                SELECT CASE WHEN results LIKE '{"stacked_results_blob"%' THEN results::jsonb->'stacked_results_blob'->>'checksum' END
                  FROM inference_tasks WHERE job_id IN (${ids})
              ) AS refs WHERE checksum IS NOT NULL`,
        );
        await tx.execute(sql`DELETE FROM inference_jobs WHERE id IN (${ids})`);
        return { jobs: jobs.length, blobs: refs.map((r) => r.checksum!) };
      });
    },
    /** Whether any slice, model or dataset still names the blob. */
    async blobInUse(checksum: string): Promise<boolean> {
      const like = `%${checksum}%`;
      const [row] = await queryRows<{ used: boolean }>(
        db,
        sql`SELECT EXISTS (SELECT 1 FROM models WHERE checksum = ${checksum})
              OR EXISTS (SELECT 1 FROM datasets WHERE checksum = ${checksum})
              OR EXISTS (SELECT 1 FROM inference_tasks WHERE items LIKE ${like} OR results LIKE ${like}) AS used`,
      );
      return row?.used === true;
    },
    /** Deletes finished training jobs and their checkpoints' progress samples. */
    async trainingJobs(before: Date): Promise<number> {
      return db.transaction(async (tx) => {
        const jobs = await queryRows<{ id: string }>(
          tx,
          sql`SELECT id FROM training_jobs
              WHERE status IN ('completed', 'failed', 'cancelled') AND completed_at < ${before.toISOString()}::timestamptz
              ORDER BY completed_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        if (jobs.length === 0) return 0;
        const ids = sql.join(
          jobs.map((j) => sql`${j.id}`),
          sql`, `,
        );
        await tx.execute(sql`DELETE FROM training_samples WHERE job_id IN (${ids})`);
        await tx.execute(sql`DELETE FROM training_jobs WHERE id IN (${ids})`);
        return jobs.length;
      });
    },
    /** Deletes task records older than `before` from hours that are over (their rollups complete). */
    async taskRecords(before: Date, hourStart: Date): Promise<number> {
      const cutoff = before < hourStart ? before : hourStart;
      const rows = await queryRows<{ id: string }>(
        db,
        sql`DELETE FROM task_records WHERE id IN (
              SELECT id FROM task_records WHERE finished_at < ${cutoff.toISOString()}::timestamptz
              ORDER BY finished_at LIMIT ${BATCH * 10} FOR UPDATE SKIP LOCKED)
            RETURNING id`,
      );
      return rows.length;
    },
  };
}

export type RetentionRepository = ReturnType<typeof retentionRepository>;
