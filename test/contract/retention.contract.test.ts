/**
 * Data lifecycle on a fake clock, on both drivers: a finished batch job, its stacked input and result
 * blobs and its task records survive until their retention has passed, then go in one sweep, while the
 * hourly rollups (usage) and the project stay; a job still referencing a shared blob keeps it.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ApiError, unwrap } from '@computeplane/sdk';
import { getDashboardTasks } from '@computeplane/sdk/dashboard';
import { getInferenceJob, submitBatchInference, waitForInferenceJob } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { getProject } from '@computeplane/sdk/projects';
import { getUsage } from '@computeplane/sdk/usage';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { contractInferenceSettings, serverFor } from './harness.js';

const DAY_MS = 86_400_000;

describe.each(testDrivers)('retention on $name', (driver) => {
  let offset = 0;
  const suite = serverFor(driver, {
    clock: () => new Date(Date.now() + offset),
    settings: {
      inference: contractInferenceSettings,
      usage: { flushMs: 50 },
      retention: { jobDays: 30, taskRecordDays: 7, sweepMs: 3_600_000 },
    },
  });

  it('deletes expired jobs, blobs and task records after their retention, and keeps the rollups', async () => {
    const client = suite.server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('regression.onnx') }));
    const inputs = Array.from({ length: 12 }, (_, i) => ({ data: [i, 0, 1], shape: [1, 3] }));
    const accepted = await unwrap(submitBatchInference(client, { body: { model_id: model.id, inputs } }));
    await waitForInferenceJob(client, accepted.job_id, { intervalMs: 20, timeoutMs: 20_000 });
    // The task records are written by the recorder's next flush, a moment after the job completes.
    await expect
      .poll(
        async () =>
          (await unwrap(getDashboardTasks(client, { params: { query: { project_id: accepted.project_id } } }))).tasks
            .length,
        { timeout: 10_000, interval: 50 },
      )
      .toBeGreaterThan(0);
    const result = (await suite.server.database.db.execute(
      sql`SELECT items, results FROM inference_tasks WHERE job_id = ${accepted.job_id}`,
    )) as unknown as { items: string; results: string }[] | { rows: { items: string; results: string }[] };
    const rows = Array.isArray(result) ? result : result.rows;
    const checksums = [
      ...new Set(rows.flatMap((r) => [...`${r.items}${r.results}`.matchAll(/sha256:[0-9a-f]{64}/g)].map((m) => m[0]))),
    ];
    expect(checksums.length).toBeGreaterThanOrEqual(2);
    const { app } = suite.server;

    // Within every retention: nothing goes.
    expect(await app.sweepExpired()).toEqual({ inference_jobs: 0, training_jobs: 0, blobs: 0, task_records: 0 });
    // Eight days on: the task records (7 days) go, the job (30 days) stays.
    offset = 8 * DAY_MS;
    const records = await app.sweepExpired();
    expect(records.task_records).toBeGreaterThan(0);
    expect(records.inference_jobs).toBe(0);
    expect(
      (await unwrap(getDashboardTasks(client, { params: { query: { project_id: accepted.project_id } } }))).tasks,
    ).toEqual([]);
    expect((await unwrap(getInferenceJob(client, { params: { path: { jobId: accepted.job_id } } }))).status).toBe(
      'completed',
    );

    // Thirty-one days on: the job and its blobs go.
    offset = 31 * DAY_MS;
    const jobs = await app.sweepExpired();
    expect(jobs).toMatchObject({ inference_jobs: 1, blobs: checksums.length });
    for (const checksum of checksums) expect(await suite.server.blobs.has(checksum)).toBe(false);
    const gone = await getInferenceJob(client, { params: { path: { jobId: accepted.job_id } } });
    expect((gone.error as ApiError).status).toBe(404);
    // The rollups and the project are the billing record: they stay.
    expect((await unwrap(getUsage(client))).usage.completed_tasks).toBeGreaterThanOrEqual(12);
    expect((await unwrap(getProject(client, { params: { path: { id: accepted.project_id } } }))).completed_tasks).toBe(
      12,
    );
    offset = 0;
  });
});
