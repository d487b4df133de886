/**
 * The dashboard's reads, within one tenant: recent inference and training jobs, task records, throughput
 * buckets, inference figures per instance type, and queued/running job counts.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { queryRows } from '../../platform/db/query-rows.js';

const RECENT_JOBS = 200;
const num = (value: string | number | null) => (value === null ? null : Number(value));

export interface RecentJobRow {
  id: string;
  type: 'inference' | 'training';
  kind: 'single' | 'batch' | 'training';
  status: string;
  model_id: string;
  project_id: string | null;
  total: string | number;
  completed: string | number;
  failed: string | number;
  percent: string | number | null;
  created_at: Date | string;
  active_at: Date | string;
}

export interface TaskRecordRow {
  id: string | number;
  kind: 'inference' | 'batch' | 'training' | 'benchmark';
  project_id: string | null;
  job_id: string | null;
  device_id: string;
  device_kind: 'aws' | 'user';
  processor: 'cpu' | 'gpu';
  tasks: number;
  failed: number;
  compute_ms: number;
  latency_ms: number;
  bytes_in: string | number;
  bytes_out: string | number;
  finished_at: Date | string;
}

export function dashboardRepository(db: Db) {
  return {
    recentJobs(tenantId: string, since: Date, type?: 'inference' | 'training') {
      const inference = sql`SELECT id, 'inference' AS type, kind, status, model_id, project_id,
          total_tasks AS total, completed_tasks AS completed, failed_tasks AS failed, NULL AS percent, created_at,
          COALESCE(completed_at, started_at, created_at) AS active_at
        FROM inference_jobs WHERE tenant_id = ${tenantId} AND created_at >= ${since.toISOString()}::timestamptz`;
      const training = sql`SELECT id, 'training' AS type, 'training' AS kind, status, model_id, project_id,
          (progress->>'total_batches')::bigint AS total, (progress->>'batches_completed')::bigint AS completed,
          0 AS failed, (progress->>'percent_complete')::float8 AS percent, created_at, updated_at AS active_at
        FROM training_jobs WHERE tenant_id = ${tenantId} AND created_at >= ${since.toISOString()}::timestamptz`;
      const union =
        type === 'inference' ? inference : type === 'training' ? training : sql`${inference} UNION ALL ${training}`;
      return queryRows<RecentJobRow>(
        db,
        sql`SELECT * FROM (${union}) AS jobs ORDER BY active_at DESC LIMIT ${RECENT_JOBS}`,
      );
    },
    tasks(tenantId: string, limit: number, projectId?: string) {
      return queryRows<TaskRecordRow>(
        db,
        sql`SELECT id, kind, project_id, job_id, device_id, device_kind, processor, tasks, failed, compute_ms,
              latency_ms, bytes_in, bytes_out, finished_at
            FROM task_records WHERE tenant_id = ${tenantId}
            ${projectId !== undefined ? sql`AND project_id = ${projectId}` : sql``}
            ORDER BY finished_at DESC, id DESC LIMIT ${limit}`,
      );
    },
    async throughput(tenantId: string, bucketSeconds: number, since: Date, projectId?: string) {
      const rows = await queryRows<{
        bucket: string | number;
        completed: string | number;
        failed: string | number;
        latency: number | null;
      }>(
        db,
        sql`SELECT FLOOR(EXTRACT(EPOCH FROM finished_at) / ${bucketSeconds}) * ${bucketSeconds} AS bucket,
              SUM(tasks - failed) AS completed, SUM(failed) AS failed,
              SUM(latency_ms * tasks) FILTER (WHERE tasks > 0) / NULLIF(SUM(tasks), 0) AS latency
            FROM task_records WHERE tenant_id = ${tenantId} AND finished_at >= ${since.toISOString()}::timestamptz
            ${projectId !== undefined ? sql`AND project_id = ${projectId}` : sql``}
            GROUP BY 1 ORDER BY 1`,
      );
      return rows.map((row) => ({
        bucket: Number(row.bucket),
        completed: Number(row.completed),
        failed: Number(row.failed),
        latency: num(row.latency),
      }));
    },
    /** Inference task records since `since`, per instance type. */
    async inferenceSides(tenantId: string, since: Date) {
      const rows = await queryRows<{
        kind: 'aws' | 'user';
        tasks: string;
        failed: string;
        avg: number | null;
        p50: number | null;
        p95: number | null;
      }>(
        db,
        sql`SELECT device_kind AS kind, SUM(tasks) AS tasks, SUM(failed) AS failed,
              AVG(latency_ms) FILTER (WHERE failed < tasks) AS avg,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE failed < tasks) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE failed < tasks) AS p95
            FROM task_records
            WHERE tenant_id = ${tenantId} AND kind IN ('inference', 'batch') AND tasks > 0
              AND finished_at >= ${since.toISOString()}::timestamptz
            GROUP BY device_kind`,
      );
      return rows.map((row) => ({
        kind: row.kind,
        tasks: Number(row.tasks),
        failed: Number(row.failed),
        avg: num(row.avg),
        p50: num(row.p50),
        p95: num(row.p95),
      }));
    },
    async jobCounts(tenantId: string) {
      const [row] = await queryRows<Record<string, string | number>>(
        db,
        sql`SELECT
              (SELECT COUNT(*) FROM inference_jobs WHERE tenant_id = ${tenantId} AND status = 'queued') AS iq,
              (SELECT COUNT(*) FROM inference_jobs WHERE tenant_id = ${tenantId} AND status = 'running') AS ir,
              (SELECT COUNT(*) FROM training_jobs WHERE tenant_id = ${tenantId} AND status = 'queued') AS tq,
              (SELECT COUNT(*) FROM training_jobs WHERE tenant_id = ${tenantId} AND status = 'running') AS tr`,
      );
      return {
        inference_queued: Number(row?.iq ?? 0),
        inference_running: Number(row?.ir ?? 0),
        training_queued: Number(row?.tq ?? 0),
        training_running: Number(row?.tr ?? 0),
      };
    },
  };
}

export type DashboardRepository = ReturnType<typeof dashboardRepository>;
