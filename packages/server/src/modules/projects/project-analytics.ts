/**
 * A project's analytics from its task records (PostgreSQL's `percentile_cont`, the same on PGlite):
 * latency percentiles over every record with a successful task (a sync request is one sample; a batch
 * slice one sample of its time per task), per device and per instance type, and throughput per bucket.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { queryRows } from '../../platform/db/query-rows.js';

interface StatsRow {
  key1: string | null;
  key2: string | null;
  key3: string | null;
  tasks: string | number;
  failed: string | number;
  compute_ms: string | number | null;
  samples: string | number;
  avg: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

const num = (value: string | number | null) => (value === null ? null : Number(value));
const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

function toStats(row: StatsRow | undefined) {
  const tasks = Number(row?.tasks ?? 0);
  const failed = Number(row?.failed ?? 0);
  return {
    tasks,
    completed: tasks - failed,
    failed,
    compute_ms: round(num(row?.compute_ms ?? 0)) ?? 0,
    latency: {
      samples: Number(row?.samples ?? 0),
      avg: round(num(row?.avg ?? null)),
      min: round(num(row?.min ?? null)),
      max: round(num(row?.max ?? null)),
      p50: round(num(row?.p50 ?? null)),
      p90: round(num(row?.p90 ?? null)),
      p95: round(num(row?.p95 ?? null)),
      p99: round(num(row?.p99 ?? null)),
    },
  };
}

export type GroupStats = ReturnType<typeof toStats>;

async function stats(db: Db, tenantId: string, projectId: string, keys: SQL, groupBy: SQL | undefined) {
  const ok = sql`latency_ms`;
  const filter = sql`FILTER (WHERE failed < tasks)`;
  return queryRows<StatsRow>(
    db,
    sql`SELECT ${keys},
          SUM(tasks) AS tasks, SUM(failed) AS failed, SUM(compute_ms) AS compute_ms,
          COUNT(*) ${filter} AS samples,
          AVG(${ok}) ${filter} AS avg, MIN(${ok}) ${filter} AS min, MAX(${ok}) ${filter} AS max,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ${ok}) ${filter} AS p50,
          percentile_cont(0.9) WITHIN GROUP (ORDER BY ${ok}) ${filter} AS p90,
          percentile_cont(0.95) WITHIN GROUP (ORDER BY ${ok}) ${filter} AS p95,
          percentile_cont(0.99) WITHIN GROUP (ORDER BY ${ok}) ${filter} AS p99
        FROM task_records WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND tasks > 0
        ${groupBy ? sql`GROUP BY ${groupBy} ORDER BY ${groupBy}` : sql``}`,
  );
}

export async function projectAnalytics(db: Db, tenantId: string, projectId: string, bucketSeconds: number) {
  const none = sql`NULL AS key1, NULL AS key2, NULL AS key3`;
  const [overall, devices, kinds, buckets] = await Promise.all([
    stats(db, tenantId, projectId, none, undefined),
    stats(
      db,
      tenantId,
      projectId,
      sql`device_id AS key1, device_kind AS key2, processor AS key3`,
      sql`device_id, device_kind, processor`,
    ),
    stats(db, tenantId, projectId, sql`device_kind AS key1, NULL AS key2, NULL AS key3`, sql`device_kind`),
    queryRows<{ bucket: string | number; completed: string | number; failed: string | number }>(
      db,
      sql`SELECT FLOOR(EXTRACT(EPOCH FROM finished_at) / ${bucketSeconds}) * ${bucketSeconds} AS bucket,
            SUM(tasks - failed) AS completed, SUM(failed) AS failed
          FROM task_records WHERE tenant_id = ${tenantId} AND project_id = ${projectId} AND tasks > 0
          GROUP BY 1 ORDER BY 1`,
    ),
  ]);
  const kind = (name: 'aws' | 'user') => toStats(kinds.find((row) => row.key1 === name));
  return {
    latency: toStats(overall[0]).latency,
    by_device: devices.map((row) => ({
      device_id: row.key1!,
      instance_type: row.key2 as 'aws' | 'user',
      processor: row.key3 as 'cpu' | 'gpu',
      stats: toStats(row),
    })),
    by_instance_type: { aws: kind('aws'), user: kind('user') },
    buckets: buckets.map((row) => {
      const completed = Number(row.completed);
      const failed = Number(row.failed);
      return {
        timestamp: new Date(Number(row.bucket) * 1000).toISOString(),
        completed,
        failed,
        tasks_per_sec: Math.round(((completed + failed) / bucketSeconds) * 1000) / 1000,
      };
    }),
  };
}
