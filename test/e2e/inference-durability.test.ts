/**
 * Batch jobs survive anything: the server is killed (SIGKILL) in the middle of a 10,000-row batch and
 * started again, and the job completes with every result exactly once; the same with two servers on one
 * PostgreSQL where one is killed and the other finishes the work.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, type Computeplane } from '@computeplane/sdk';
import {
  getInferenceJob,
  iterateBatchResults,
  submitBatchInference,
  waitForInferenceJob,
} from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '@computeplane/server';
import { queryRows } from '../../packages/server/src/platform/db/query-rows.js';
import { createPostgresDatabase } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';

const ROWS = 10_000;
const rows = Array.from({ length: ROWS }, (_, i) => [Math.sin(i), Math.cos(i), (i % 13) / 13, (i % 7) - 3]);
// Slices of 50 tasks in every form: 50 items, or 50 stacked rows of 4 float32 values (800 bytes).
const env = {
  INFERENCE_LEASE_MS: '1500',
  INFERENCE_CHUNK_SIZE: '50',
  INFERENCE_STACKED_SLICE_BYTES: '800',
  INFERENCE_WORKERS: '1',
};
/**
 * The three ways a batch is stored: `inputs` of one row each (stored and run stacked), `inputs` of two
 * rows each (one stored object per task, the per-item path) and `stacked_input`.
 */
const forms = {
  inputs: { tasks: ROWS, rowsPerTask: 1, body: () => ({ inputs: rows.map((row) => ({ data: row, shape: [1, 4] })) }) },
  'inputs of two rows each': {
    tasks: ROWS / 2,
    rowsPerTask: 2,
    body: () => ({
      inputs: Array.from({ length: ROWS / 2 }, (_, i) => ({
        data: [...rows[2 * i]!, ...rows[2 * i + 1]!],
        shape: [2, 4],
      })),
    }),
  },
  stacked_input: {
    tasks: ROWS,
    rowsPerTask: 1,
    body: () => ({ stacked_input: { data: rows.flat(), shape: [ROWS, 4] } }),
  },
};
type Form = keyof typeof forms;

let expected: Float32Array;
beforeAll(async () => {
  const session = await ort.InferenceSession.create(fixturePath('tiny-mlp.onnx'));
  expected = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [ROWS, 4]) }))
    .probabilities!.data as Float32Array;
  await session.release();
});

/** Submits the batch and SIGKILLs `victim` while it is running the job. */
async function submitAndKillMidway(client: Computeplane, victim: ServerProcess, form: Form) {
  const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
  const { job_id } = await unwrap(
    submitBatchInference(client, { body: { model_id: model.id, ...forms[form].body() } }),
  );
  for (;;) {
    const job = await unwrap(
      getInferenceJob(client, { params: { path: { jobId: job_id }, query: { results_limit: 0 } } }),
    );
    if (job.status === 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  victim.child.kill('SIGKILL');
  await victim.exited;
  return job_id;
}

/** What the database held when the server died: the job must have been caught mid-way. */
async function expectCaughtMidway(database: Database, jobId: string, form: Form) {
  const [job] = await queryRows<{ completed_tasks: number }>(
    database.db,
    sql`SELECT completed_tasks FROM inference_jobs WHERE id = ${jobId}`,
  );
  const [slices] = await queryRows<{ unfinished: number }>(
    database.db,
    sql`SELECT count(*)::int AS unfinished FROM inference_tasks WHERE job_id = ${jobId} AND status IN ('queued', 'running')`,
  );
  expect(job!.completed_tasks, 'the batch finished before the server was killed').toBeLessThan(forms[form].tasks);
  expect(slices!.unfinished).toBeGreaterThan(0);
}

async function expectExactlyOnce(client: Computeplane, jobId: string, form: Form) {
  const { tasks, rowsPerTask } = forms[form];
  const job = await waitForInferenceJob(client, jobId, { intervalMs: 100, timeoutMs: 120_000 });
  expect(job.status).toBe('completed');
  // Counters advance only with a slice's results in the same transaction: a slice completed twice would push them past the total.
  expect(job.progress).toEqual({ total: tasks, completed: tasks, failed: 0, cancelled: 0, percent: 100 });
  let index = 0;
  for await (const item of iterateBatchResults(client, jobId, 5000)) {
    expect(item.index).toBe(index);
    expect(item.status).toBe('completed');
    const { data, shape } = item.result as { data: number[]; shape: number[] };
    expect(shape).toEqual([rowsPerTask, 3]);
    for (let k = 0; k < 3 * rowsPerTask; k++)
      expect(Math.abs(data[k]! - expected[index * 3 * rowsPerTask + k]!)).toBeLessThan(1e-5);
    index += 1;
  }
  expect(index).toBe(tasks);
}

describe.each(Object.keys(forms) as Form[])('a batch job sent as %s survives SIGKILL', (form) => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cp-durable-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('on the embedded database: killed mid-batch, restarted, completed exactly once', async () => {
    const first = await startServerProcess({ ...env, DATA_DIR: dataDir });
    const jobId = await submitAndKillMidway(
      createClient({ baseUrl: first.baseUrl, apiKey: 'test-api-key' }),
      first,
      form,
    );
    const inspect = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    try {
      await expectCaughtMidway(inspect, jobId, form);
    } finally {
      await inspect.close();
    }
    const second = await startServerProcess({ ...env, DATA_DIR: dataDir });
    try {
      await expectExactlyOnce(createClient({ baseUrl: second.baseUrl, apiKey: 'test-api-key' }), jobId, form);
    } finally {
      await second.stop();
    }
  });

  it('on PostgreSQL with two servers: one is killed, the other finishes its work', async () => {
    const { url, drop } = await createPostgresDatabase();
    const dirs = [await mkdtemp(join(tmpdir(), 'cp-a-')), await mkdtemp(join(tmpdir(), 'cp-b-'))];
    const admin = 'durability-admin-key-0123456789';
    const [a, b] = await Promise.all(
      dirs.map((dir) => startServerProcess({ ...env, DATA_DIR: dir, DATABASE_URL: url, ADMIN_KEY: admin })),
    );
    try {
      const { createApiKey, createTenant } = await import('@computeplane/sdk/admin');
      const adminClient = createClient({ baseUrl: a!.baseUrl, adminKey: admin });
      const tenant = await unwrap(createTenant(adminClient, { body: { name: 'durable' } }));
      const { key } = await unwrap(createApiKey(adminClient, { body: { tenant_id: tenant.id } }));
      const jobId = await submitAndKillMidway(createClient({ baseUrl: a!.baseUrl, apiKey: key }), a!, form);
      const inspect = await openDatabase({ url });
      try {
        await expectCaughtMidway(inspect, jobId, form);
      } finally {
        await inspect.close();
      }
      await expectExactlyOnce(createClient({ baseUrl: b!.baseUrl, apiKey: key }), jobId, form);
    } finally {
      await b?.stop();
      await a?.stop();
      await drop();
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});
