/**
 * Writes a buffer of task records in one transaction: the records themselves (multi-row inserts), their
 * hourly rollups and their projects' counters, both advanced with `col = col + n` so that any number of
 * replicas flushing at once add up exactly. Keys are written in sorted order, so two flushes touching the
 * same rows lock them in the same order and cannot deadlock.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { taskRecords, trainingSamples, usageHourly } from '../db/schema.js';
import { hourOf, type TaskRecord, type TrainingSample } from './task-record.js';

/** Rows per INSERT statement (14 parameters a row, far below PostgreSQL's 65,535). */
const INSERT_ROWS = 1_000;

type Rollup = typeof usageHourly.$inferInsert;

function rollups(records: TaskRecord[]): Rollup[] {
  const byKey = new Map<string, Rollup>();
  for (const r of records) {
    const hour = hourOf(r.finishedAt);
    const projectId = r.projectId ?? '';
    const key = [r.tenantId, projectId, r.deviceId, r.processor, hour.toISOString()].join('\u0000');
    const row = byKey.get(key) ?? {
      tenantId: r.tenantId,
      projectId,
      deviceId: r.deviceId,
      deviceKind: r.deviceKind,
      processor: r.processor,
      hour,
      okTasks: 0,
      failedTasks: 0,
      okComputeMs: 0,
      failedComputeMs: 0,
      bytesIn: 0,
      bytesOut: 0,
    };
    const failedShare = r.tasks > 0 ? r.failed / r.tasks : 0;
    row.okTasks! += r.tasks - r.failed;
    row.failedTasks! += r.failed;
    row.okComputeMs! += r.computeMs * (1 - failedShare);
    row.failedComputeMs! += r.computeMs * failedShare;
    row.bytesIn! += r.bytesIn;
    row.bytesOut! += r.bytesOut;
    byKey.set(key, row);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

interface ProjectDelta {
  tenantId: string;
  projectId: string;
  ok: number;
  failed: number;
  computeMs: number;
  latencyMsSum: number;
  samples: number;
  bytesIn: number;
  bytesOut: number;
  first: Date;
  last: Date;
}

function projectDeltas(records: TaskRecord[]): ProjectDelta[] {
  const byKey = new Map<string, ProjectDelta>();
  for (const r of records) {
    if (r.projectId === null) continue;
    const key = `${r.tenantId}\u0000${r.projectId}`;
    const d = byKey.get(key) ?? {
      tenantId: r.tenantId,
      projectId: r.projectId,
      ok: 0,
      failed: 0,
      computeMs: 0,
      latencyMsSum: 0,
      samples: 0,
      bytesIn: 0,
      bytesOut: 0,
      first: r.finishedAt,
      last: r.finishedAt,
    };
    d.ok += r.tasks - r.failed;
    d.failed += r.failed;
    d.computeMs += r.computeMs;
    d.latencyMsSum += r.latencyMs * r.tasks;
    d.samples += r.tasks;
    d.bytesIn += r.bytesIn;
    d.bytesOut += r.bytesOut;
    if (r.finishedAt < d.first) d.first = r.finishedAt;
    if (r.finishedAt > d.last) d.last = r.finishedAt;
    byKey.set(key, d);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}

export async function flushRecords(db: Db, records: TaskRecord[], samples: TrainingSample[]): Promise<void> {
  if (records.length === 0 && samples.length === 0) return;
  await db.transaction(async (tx) => {
    for (let i = 0; i < records.length; i += INSERT_ROWS)
      await tx.insert(taskRecords).values(records.slice(i, i + INSERT_ROWS));
    for (let i = 0; i < samples.length; i += INSERT_ROWS)
      await tx.insert(trainingSamples).values(samples.slice(i, i + INSERT_ROWS));
    const hourly = rollups(records);
    for (let i = 0; i < hourly.length; i += INSERT_ROWS)
      await tx
        .insert(usageHourly)
        .values(hourly.slice(i, i + INSERT_ROWS))
        .onConflictDoUpdate({
          target: [
            usageHourly.tenantId,
            usageHourly.projectId,
            usageHourly.deviceId,
            usageHourly.processor,
            usageHourly.hour,
          ],
          set: {
            okTasks: sql`${usageHourly.okTasks} + excluded.ok_tasks`,
            failedTasks: sql`${usageHourly.failedTasks} + excluded.failed_tasks`,
            okComputeMs: sql`${usageHourly.okComputeMs} + excluded.ok_compute_ms`,
            failedComputeMs: sql`${usageHourly.failedComputeMs} + excluded.failed_compute_ms`,
            bytesIn: sql`${usageHourly.bytesIn} + excluded.bytes_in`,
            bytesOut: sql`${usageHourly.bytesOut} + excluded.bytes_out`,
          },
        });
    for (const d of projectDeltas(records)) {
      const done = d.ok + d.failed;
      // A batch, training or benchmark project completes by itself once every task it expects has ended;
      // a realtime one only when its owner says so (POST /projects/{id}/complete).
      await tx.execute(sql`
        UPDATE projects SET
          completed_tasks = completed_tasks + ${d.ok},
          failed_tasks = failed_tasks + ${d.failed},
          compute_ms = compute_ms + ${d.computeMs},
          latency_ms_sum = latency_ms_sum + ${d.latencyMsSum},
          latency_samples = latency_samples + ${d.samples},
          bytes_in = bytes_in + ${d.bytesIn},
          bytes_out = bytes_out + ${d.bytesOut},
          first_task_at = LEAST(COALESCE(first_task_at, ${d.first.toISOString()}::timestamptz), ${d.first.toISOString()}::timestamptz),
          last_task_at = GREATEST(COALESCE(last_task_at, ${d.last.toISOString()}::timestamptz), ${d.last.toISOString()}::timestamptz),
          status = CASE WHEN status = 'active' AND type <> 'realtime'
                          AND completed_tasks + failed_tasks + ${done} >= COALESCE(total_tasks, submitted_tasks)
                          AND COALESCE(total_tasks, submitted_tasks) > 0
                        THEN 'completed' ELSE status END,
          completed_at = CASE WHEN status = 'active' AND type <> 'realtime'
                          AND completed_tasks + failed_tasks + ${done} >= COALESCE(total_tasks, submitted_tasks)
                          AND COALESCE(total_tasks, submitted_tasks) > 0
                        THEN ${d.last.toISOString()}::timestamptz ELSE completed_at END
        WHERE tenant_id = ${d.tenantId} AND id = ${d.projectId}`);
    }
  });
}
