/**
 * The task recorder on every driver: records buffered and written in bulk, hourly rollups and project
 * counters exact when several recorders (replicas) flush the same project and hours at once, automatic
 * completion of a batch project, and nothing written per record before a flush.
 */
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { createTenant } from '../auth/tenants.js';
import { queryRows } from '../db/query-rows.js';
import type { TaskRecord } from './task-record.js';
import { createTaskRecorder } from './task-recorder.js';

const at = new Date('2026-11-23T10:15:00Z');
const options = { flushMs: 60_000, maxRows: 10_000, maxBuffered: 100_000 };

describe.each(testDrivers)('task recorder on $name', (driver) => {
  let handle: TestDatabase;
  let tenantId: string;
  beforeAll(async () => {
    handle = await driver.create();
    tenantId = (await createTenant(handle.database.db, 'usage')).id;
  });
  afterAll(() => handle?.dispose());

  const record = (projectId: string, i: number, failed = 0): TaskRecord => ({
    tenantId,
    projectId,
    kind: 'batch',
    jobId: 'batch_x',
    deviceId: i % 2 === 0 ? 'local/a' : 'dev_b',
    deviceKind: i % 2 === 0 ? 'aws' : 'user',
    processor: 'cpu',
    tasks: 2,
    failed,
    computeMs: 10,
    latencyMs: 5,
    bytesIn: 100,
    bytesOut: 50,
    finishedAt: new Date(at.getTime() + (i % 3) * 3_600_000),
  });
  const count = async (table: string) =>
    Number((await queryRows<{ n: string }>(handle.database.db, sql.raw(`SELECT COUNT(*) AS n FROM ${table}`)))[0]!.n);

  it('keeps counts exact when four recorders flush the same project and hours concurrently', async () => {
    const db = handle.database.db;
    const recorders = Array.from({ length: 4 }, () =>
      createTaskRecorder(db, pino({ level: 'silent' }), () => at, options),
    );
    await recorders[0]!.projects.submit(tenantId, 'proj_race', 'batch', 4 * 250 * 2);
    const before = await count('task_records');
    recorders.forEach((recorder, r) => {
      for (let i = 0; i < 250; i++) recorder.record(record('proj_race', i, r === 0 && i < 10 ? 1 : 0));
    });
    // Buffered: nothing written yet.
    expect(await count('task_records')).toBe(before);
    await Promise.all(recorders.map((recorder) => recorder.flush()));
    expect(await count('task_records')).toBe(before + 1000);
    const [project] = await queryRows<{ completed_tasks: string; failed_tasks: string; status: string }>(
      db,
      sql`SELECT completed_tasks, failed_tasks, status FROM projects WHERE tenant_id = ${tenantId} AND id = 'proj_race'`,
    );
    expect({
      ...project,
      completed_tasks: Number(project!.completed_tasks),
      failed_tasks: Number(project!.failed_tasks),
    }).toEqual({
      completed_tasks: 1990,
      failed_tasks: 10,
      status: 'completed',
    });
    const hours = await queryRows<{ ok: string; failed: string; bytes_in: string }>(
      db,
      sql`SELECT SUM(ok_tasks) AS ok, SUM(failed_tasks) AS failed, SUM(bytes_in) AS bytes_in
          FROM usage_hourly WHERE tenant_id = ${tenantId} AND project_id = 'proj_race'`,
    );
    expect(hours.map((h) => [Number(h.ok), Number(h.failed), Number(h.bytes_in)])).toEqual([[1990, 10, 100_000]]);
    const buckets = await queryRows<{ n: string }>(
      db,
      sql`SELECT COUNT(*) AS n FROM usage_hourly WHERE tenant_id = ${tenantId} AND project_id = 'proj_race'`,
    );
    // Two devices (processor cpu) over three hours.
    expect(Number(buckets[0]!.n)).toBe(6);
  });

  it('writes as soon as maxRows are waiting, and keeps a realtime project active', async () => {
    const db = handle.database.db;
    const recorder = createTaskRecorder(db, pino({ level: 'silent' }), () => at, { ...options, maxRows: 5 });
    await recorder.projects.submit(tenantId, 'proj_live', 'realtime', 0);
    for (let i = 0; i < 5; i++) recorder.record(record('proj_live', i));
    await recorder.flush();
    expect(recorder.pending()).toBe(0);
    const [project] = await queryRows<{ completed_tasks: string; status: string }>(
      db,
      sql`SELECT completed_tasks, status FROM projects WHERE tenant_id = ${tenantId} AND id = 'proj_live'`,
    );
    expect([Number(project!.completed_tasks), project!.status]).toEqual([10, 'active']);
  });
});
