/**
 * Reads the hourly usage rollups (usage_hourly): totals of a tenant or a project, per hour, per tenant
 * (admin), and per SDK device and hour (internal). Every sum is per processor, so CPU and GPU time are
 * priced apart.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database.js';
import { queryRows } from '../../platform/db/query-rows.js';

/** Sums of one group of rollups on one processor. */
export interface UsageSums {
  processor: 'cpu' | 'gpu';
  okTasks: number;
  failedTasks: number;
  computeMs: number;
  bytesIn: number;
  bytesOut: number;
}

interface SumRow {
  key: string | null;
  processor: 'cpu' | 'gpu';
  ok_tasks: string | number;
  failed_tasks: string | number;
  compute_ms: string | number;
  bytes_in: string | number;
  bytes_out: string | number;
  first_hour: Date | string | null;
  last_hour: Date | string | null;
}

const asDate = (value: Date | string | null) => (value === null ? null : new Date(value));

export interface GroupedSums {
  key: string | null;
  sums: UsageSums[];
  firstHour: Date | null;
  lastHour: Date | null;
}

function group(rows: SumRow[]): GroupedSums[] {
  const byKey = new Map<string | null, GroupedSums>();
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { key: row.key, sums: [], firstHour: null, lastHour: null };
    entry.sums.push({
      processor: row.processor,
      okTasks: Number(row.ok_tasks),
      failedTasks: Number(row.failed_tasks),
      computeMs: Number(row.compute_ms),
      bytesIn: Number(row.bytes_in),
      bytesOut: Number(row.bytes_out),
    });
    const first = asDate(row.first_hour);
    const last = asDate(row.last_hour);
    if (first && (!entry.firstHour || first < entry.firstHour)) entry.firstHour = first;
    if (last && (!entry.lastHour || last > entry.lastHour)) entry.lastHour = last;
    byKey.set(row.key, entry);
  }
  return [...byKey.values()];
}

export function usageRepository(db: Db) {
  const sums = (key: SQL, where: SQL) =>
    queryRows<SumRow>(
      db,
      sql`SELECT ${key} AS key, processor,
            SUM(ok_tasks) AS ok_tasks, SUM(failed_tasks) AS failed_tasks,
            SUM(ok_compute_ms + failed_compute_ms) AS compute_ms,
            SUM(bytes_in) AS bytes_in, SUM(bytes_out) AS bytes_out,
            MIN(hour) AS first_hour, MAX(hour) AS last_hour
          FROM usage_hourly WHERE ${where}
          GROUP BY 1, processor ORDER BY 1`,
    ).then(group);

  return {
    tenant: (tenantId: string) => sums(sql`NULL`, sql`tenant_id = ${tenantId}`),
    project: (tenantId: string, projectId: string) =>
      sums(sql`NULL`, sql`tenant_id = ${tenantId} AND project_id = ${projectId}`),
    hourly: (tenantId: string, from: Date) =>
      sums(
        sql`to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`,
        sql`tenant_id = ${tenantId} AND hour >= ${from.toISOString()}::timestamptz`,
      ),
    perTenant: () => sums(sql`tenant_id`, sql`TRUE`),
    tenantNames: (ids: string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : queryRows<{ id: string; name: string }>(
            db,
            sql`SELECT id, name FROM tenants WHERE id IN (${sql.join(
              ids.map((id) => sql`${id}`),
              sql`, `,
            )})`,
          ),
    /** Per SDK device (`user` instance type) and hour: successful tasks, or failed ones. */
    perDevice: (from: Date, to: Date, outcome: 'ok' | 'failed') =>
      queryRows<{ uuid: string; hour: string; processor: 'cpu' | 'gpu'; ms: string | number; tasks: string | number }>(
        db,
        sql`SELECT device_id AS uuid, to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24') AS hour, processor,
              SUM(${outcome === 'ok' ? sql`ok_compute_ms` : sql`failed_compute_ms`}) AS ms,
              SUM(${outcome === 'ok' ? sql`ok_tasks` : sql`failed_tasks`}) AS tasks
            FROM usage_hourly
            WHERE device_kind = 'user' AND hour >= ${from.toISOString()}::timestamptz AND hour <= ${to.toISOString()}::timestamptz
            GROUP BY device_id, hour, processor
            HAVING SUM(${outcome === 'ok' ? sql`ok_tasks` : sql`failed_tasks`}) > 0
            ORDER BY hour, device_id`,
      ),
  };
}

export type UsageRepository = ReturnType<typeof usageRepository>;
