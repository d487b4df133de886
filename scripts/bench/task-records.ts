/**
 * `npm run bench:task-records`: the task recorder's bulk flush (multi-row inserts, hourly rollups and project
 * counters in one transaction) against the per-task writes it replaces (one transaction per task: its record,
 * its rollup and its project), on a fresh PostgreSQL database (or PGlite with TASK_RECORDS_DRIVER=pglite),
 * measured in the same run. Prints tasks per second of each and the ratio. TASK_RECORDS (default 20000).
 */
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { testDrivers } from '@computeplane/test-support/databases';
import { createTenant } from '../../packages/server/src/platform/auth/tenants.js';
import { flushRecords } from '../../packages/server/src/platform/usage/flush-records.js';
import type { TaskRecord } from '../../packages/server/src/platform/usage/task-record.js';
import { createTaskRecorder } from '../../packages/server/src/platform/usage/task-recorder.js';

const total = Number(process.env.TASK_RECORDS ?? 20_000);
const driver = testDrivers.find((d) => d.name === (process.env.TASK_RECORDS_DRIVER ?? 'postgres'))!;
const handle = await driver.create();
const db = handle.database.db;
const tenantId = (await createTenant(db, 'bench')).id;
await db.execute(
  sql`INSERT INTO projects (tenant_id, id, name, type) VALUES (${tenantId}, 'proj_bench', 'bench', 'realtime')`,
);
const record = (i: number): TaskRecord => ({
  tenantId,
  projectId: 'proj_bench',
  kind: 'inference',
  jobId: null,
  deviceId: `local/${i % 4}`,
  deviceKind: 'aws',
  processor: 'cpu',
  tasks: 1,
  failed: 0,
  computeMs: 1.5,
  latencyMs: 1.5,
  bytesIn: 120,
  bytesOut: 40,
  finishedAt: new Date(),
});

const recorder = createTaskRecorder(db, pino({ level: 'silent' }), () => new Date(), {
  flushMs: 60_000,
  maxRows: 1_000,
  maxBuffered: total * 2,
});
let started = performance.now();
for (let i = 0; i < total; i++) recorder.record(record(i));
await recorder.flush();
const bulkSeconds = (performance.now() - started) / 1000;

const perTask = Math.max(500, Math.floor(total / 10));
started = performance.now();
for (let i = 0; i < perTask; i++) await flushRecords(db, [record(i)], []);
const singleSeconds = (performance.now() - started) / 1000;

const bulkRate = total / bulkSeconds;
const singleRate = perTask / singleSeconds;
console.log(`driver ${driver.name}`);
console.log(`bulk:     ${total} tasks in ${bulkSeconds.toFixed(2)} s = ${Math.round(bulkRate)} tasks/s`);
console.log(`per task: ${perTask} tasks in ${singleSeconds.toFixed(2)} s = ${Math.round(singleRate)} tasks/s`);
console.log(`ratio bulk / per task: ${(bulkRate / singleRate).toFixed(1)}x`);
const [row] = (await db.execute(sql`SELECT completed_tasks FROM projects WHERE id = 'proj_bench'`)) as unknown as {
  completed_tasks: string;
}[];
console.log(`project counter: ${row ? Number(row.completed_tasks) : '(see rows)'} (expected ${total + perTask})`);
await handle.dispose();
