/**
 * The job repository on every driver, under the races a fleet of workers and API callers produce:
 * slices completing while the job is cancelled, and results written only while the claim holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { createTenant } from '../../../platform/auth/tenants.js';
import { createMemoryBlobStore } from '../../../platform/storage/memory-blob-store.js';
import { jobRepository } from './job-repository.js';
import { readResults } from './job-results.js';
import { itemsOutcome, sliceItems } from './slices.js';

const now = new Date('2026-11-23T00:00:00Z');
const ok = (value: number) => itemsOutcome([{ status: 'completed', result: { value }, error: null }]);

describe.each(testDrivers)('inference job repository on $name', (driver) => {
  let handle: TestDatabase;
  let jobs: ReturnType<typeof jobRepository>;
  let tenantId: string;
  beforeAll(async () => {
    handle = await driver.create();
    jobs = jobRepository(handle.database.db);
    tenantId = (await createTenant(handle.database.db, 'jobs')).id;
  });
  afterAll(() => handle?.dispose());

  const newJob = (id: string, items: number) =>
    jobs.create(
      { id, tenantId, modelId: 'model_x', kind: 'batch' },
      sliceItems(
        Array.from({ length: items }, (_, i) => i),
        1,
      ),
    );

  it('cancels while every slice is completing, without deadlocks, and keeps the counters exact', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `job_race${round}`;
      await newJob(id, 24);
      const claimed = await jobs.claim('worker_a', `token${round}`, 100, 60_000, now);
      expect(claimed).toHaveLength(24);
      const settled = await Promise.all([
        ...claimed.map((task) => jobs.complete(`token${round}`, id, task.idx, ok(task.idx), now)),
        jobs.cancel(tenantId, id, now),
      ]);
      const written = settled.slice(0, 24).filter((value) => value === true).length;
      const job = (await jobs.get(tenantId, id))!;
      expect(job.completedTasks).toBe(written);
      expect(job.completedTasks + job.cancelledTasks).toBe(24);
      expect(job.status).toBe(written === 24 ? 'completed' : 'cancelled');
    }
  });

  it('discards results from a claim that no longer holds the slice', async () => {
    await newJob('job_lease', 2);
    const [first] = await jobs.claim('worker_a', 'old', 1, 1_000, now);
    const later = new Date(now.getTime() + 5_000);
    const [reclaimed] = await jobs.claim('worker_b', 'new', 1, 1_000, later);
    expect(reclaimed).toMatchObject({ jobId: first!.jobId, idx: first!.idx, attempts: 2 });
    expect(await jobs.complete('old', 'job_lease', first!.idx, ok(1), later)).toBe(false);
    expect(await jobs.complete('new', 'job_lease', first!.idx, ok(2), later)).toBe(true);
    const [view] = await readResults(jobs, createMemoryBlobStore(), 'job_lease', first!.idx, 1);
    expect(view).toMatchObject({ status: 'completed', result: { value: 2 } });
  });
});
