/**
 * `computeplane projects ...` and `usage ...` as real processes against a real server. Counts come from real
 * sync inference on a model uploaded with the CLI; percentiles and throughput from a known workload recorded
 * with known latencies and end times; cancel from a batch left queued (no job runner) that it cancels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { runInference, submitBatchInference } from '@computeplane/sdk/inference';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { recordKnownWorkload } from '@computeplane/test-support/known-workload';
import { contractInferenceSettings } from '../contract/harness.js';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

interface ProjectJson {
  id: string;
  status: string;
  type: string;
  completed_tasks: number;
  progress_percent: number | null;
}

interface UsageJson {
  usage: { tasks: number; completed_tasks: number; cpu_tasks: number; gpu_tasks: number; bytes_in: number };
}

describe('computeplane projects and usage', () => {
  // No job runner: a batch stays queued until its project is cancelled; sync requests run as ever.
  const suite = cliSuite({
    settings: { inference: { ...contractInferenceSettings, runJobs: false }, usage: { flushMs: 50 } },
  });
  let modelId = '';
  let realtimeId = '';
  const SYNC_REQUESTS = 12;

  beforeAll(async () => {
    const uploaded = await suite.cli(['models', 'upload', fixturePath('tiny-mlp.onnx'), '--name', 'iris', '--json']);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    modelId = (JSON.parse(uploaded.stdout) as { id: string }).id;
    const created = await suite.cli(['projects', 'create', 'Production API', '--model', modelId, '--json']);
    realtimeId = (await conformJson<ProjectJson>('createProject', created)).id;
    await Promise.all(
      Array.from({ length: SYNC_REQUESTS }, (_, i) =>
        unwrap(
          runInference(suite.server.clientA, {
            body: { model_id: modelId, project_id: realtimeId, input: { data: [5.1, 3.5, i, 0.2], shape: [1, 4] } },
          }),
        ),
      ),
    );
  });

  it('creates, lists and shows projects with their real task counts', async () => {
    const [created, batchJson, badType, badTotal, noName, missingModel] = await Promise.all([
      suite.cli(['projects', 'create', 'Nightly batch', '--type', 'batch', '--total-tasks', '50']),
      suite.cli(['projects', 'create', 'Scored', '--type', 'benchmark', '--total-tasks', '4', '--json']),
      suite.cli(['projects', 'create', 'x', '--type', 'weekly']),
      suite.cli(['projects', 'create', 'x', '--total-tasks', '0']),
      suite.cli(['projects', 'create']),
      suite.cli(['projects', 'create', 'x', '--model', 'model_missing']),
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^name\s+Nightly batch$/m);
    expect(created.stdout).toMatch(/^type\s+batch$/m);
    expect(created.stdout).toMatch(/^status\s+active$/m);
    expect(created.stdout).toMatch(/^total tasks\s+50$/m);
    expect(created.stdout).toMatch(/^progress\s+0% \(0\/50\)$/m);
    const benchmark = await conformJson<ProjectJson & { total_tasks: number }>('createProject', batchJson);
    expect(benchmark).toMatchObject({ type: 'benchmark', total_tasks: 4, status: 'active', completed_tasks: 0 });
    expectUsageError(badType, /--type.*weekly|weekly.*--type|Allowed choices are realtime, batch, training, benchmark/);
    expectUsageError(badTotal, /--total-tasks must be a whole number from 1 to 2147483647, got "0"/);
    expectUsageError(noName, /missing required argument 'name'/);
    expectApiError(missingModel, 'NOT_FOUND');

    const [table, listJson, filtered, paged, badLimit, shown, shownJson, missing] = await Promise.all([
      suite.cli(['projects', 'list']),
      suite.cli(['projects', 'list', '--json']),
      suite.cli(['projects', 'list', '--type', 'realtime', '--status', 'active', '--json']),
      suite.cli(['projects', 'list', '--limit', '1', '--offset', '1']),
      suite.cli(['projects', 'list', '--limit', '0']),
      suite.cli(['projects', 'get', realtimeId]),
      suite.cli(['projects', 'get', realtimeId, '--json']),
      suite.cli(['projects', 'get', 'proj_missing']),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+TYPE\s+STATUS\s+PROGRESS\s+COMPLETED\s+FAILED\s+AVG LATENCY\s+CREATED$/,
    );
    expect(table.stdout).toMatch(
      new RegExp(
        `^${realtimeId}\\s+Production API\\s+realtime\\s+active\\s+-\\s+12\\s+0\\s+[\\d.]+ ms\\s+\\d{4}-`,
        'm',
      ),
    );
    const list = await conformJson<{ projects: ProjectJson[]; total: number }>('listProjects', listJson);
    expect(list.total).toBe(3);
    expect(list.projects.map((p) => p.id)).toContain(realtimeId);
    const realtime = await conformJson<{ projects: ProjectJson[] }>('listProjects', filtered);
    expect(realtime.projects.map((p) => p.id)).toEqual([realtimeId]);
    expect(paged.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(paged.stderr).toBe('Showing 2-2 of 3; next page: --offset 2\n');
    expectUsageError(badLimit, /--limit must be a whole number from 1 to 1000, got "0"/);

    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${realtimeId}$`, 'm'));
    expect(shown.stdout).toMatch(new RegExp(`^model\\s+${modelId}$`, 'm'));
    expect(shown.stdout).toMatch(/^completed\s+12$/m);
    expect(shown.stdout).toMatch(/^failed\s+0$/m);
    expect(shown.stdout).toMatch(/^avg latency\s+\d+(\.\d+)? ms$/m);
    const got = await conformJson<ProjectJson & { metrics: { bytes_in: number } }>('getProject', shownJson);
    expect(got).toMatchObject({ completed_tasks: SYNC_REQUESTS, status: 'active', progress_percent: null });
    expect(got.metrics.bytes_in).toBeGreaterThan(0);
    expectApiError(missing, 'NOT_FOUND');
  });

  it('shows analytics: real counts, and exact percentiles and throughput from a known workload', async () => {
    const real = await conformJson<{ success_count: number; success_rate: number; latency: { samples: number } }>(
      'getProjectAnalytics',
      await suite.cli(['projects', 'analytics', realtimeId, '--json']),
    );
    expect(real).toMatchObject({ success_count: SYNC_REQUESTS, success_rate: 1, latency: { samples: SYNC_REQUESTS } });

    const made = await suite.cli([
      'projects',
      'create',
      'known',
      '--type',
      'benchmark',
      '--total-tasks',
      '100',
      '--json',
    ]);
    const known = (await conformJson<ProjectJson>('createProject', made)).id;
    recordKnownWorkload(suite.server, known);
    const [human, asJson, empty, badBucket, missing] = await Promise.all([
      suite.cli(['projects', 'analytics', known]),
      suite.cli(['projects', 'analytics', known, '--bucket-size', '120', '--json']),
      suite.cli(['projects', 'create', 'empty', '--json']),
      suite.cli(['projects', 'analytics', known, '--bucket-size', '86401']),
      suite.cli(['projects', 'analytics', 'proj_missing']),
    ]);
    expect(human.code, human.stderr).toBe(0);
    const out = human.stdout;
    expect(out).toMatch(/^succeeded\s+100$/m);
    expect(out).toMatch(/^success rate\s+100%$/m);
    expect(out).toMatch(/^latency avg\s+50\.5 ms$/m);
    expect(out).toMatch(/^GROUP\s+ON\s+TASKS\s+OK\s+FAILED\s+COMPUTE MS\s+P50\s+P90\s+P95\s+P99\s+MAX$/m);
    expect(out).toMatch(/^all\s+-\s+100\s+100\s+0\s+5050\s+50\.5\s+90\.1\s+95\.05\s+99\.01\s+100$/m);
    expect(out).toMatch(/^user \(devices\)\s+-\s+25\s+25\s+0\s+1300\s+52\s+/m);
    expect(out).toMatch(/^device dev_known\s+user gpu\s+25\s+/m);
    expect(out).toMatch(/^device local\/test\s+aws cpu\s+75\s+/m);
    expect(out).toMatch(/^Throughput per 60s bucket:$/m);
    expect(out).toMatch(/^2026-11-23T10:00:00\.000Z\s+60\s+0\s+1$/m);
    expect(out).toMatch(/^2026-11-23T10:01:00\.000Z\s+40\s+0\s+0\.667$/m);
    const analytics = await conformJson<{ throughput: { bucket_size: number; buckets: { completed: number }[] } }>(
      'getProjectAnalytics',
      asJson,
    );
    expect(analytics.throughput).toMatchObject({ bucket_size: 120, buckets: [{ completed: 100 }] });
    // Nothing ran yet: the figures are '-', the reasons printed as notes.
    const emptyId = (await conformJson<ProjectJson>('createProject', empty)).id;
    const none = await suite.cli(['projects', 'analytics', emptyId]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/^success rate\s+-$/m);
    expect(none.stdout).toMatch(/^No task has ended yet\.$/m);
    expect(none.stderr.trimEnd().split('\n')).toHaveLength(2);
    expectUsageError(badBucket, /--bucket-size must be a whole number from 1 to 86400, got "86401"/);
    expectApiError(missing, 'NOT_FOUND');
  });

  it('completes a realtime project once; cancel shows the jobs it cancelled and refuses a second time', async () => {
    const [completed, again, cancelEnded] = await (async () => {
      const first = await suite.cli(['projects', 'complete', realtimeId, '--json']);
      return [
        first,
        await suite.cli(['projects', 'complete', realtimeId]),
        await suite.cli(['projects', 'cancel', realtimeId]),
      ];
    })();
    expect((await conformJson<ProjectJson>('completeProject', completed)).status).toBe('completed');
    expectApiError(again, 'CONFLICT');
    expectApiError(cancelEnded, 'CANNOT_CANCEL');
    const humanComplete = await suite.cli(['projects', 'create', 'to complete', '--json']);
    const toComplete = (await conformJson<ProjectJson>('createProject', humanComplete)).id;
    const done = await suite.cli(['projects', 'complete', toComplete]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^status\s+completed$/m);
    expect(done.stdout).toMatch(/^completed at\s+\d{4}-\d\d-\d\dT/m);

    const batches = await Promise.all(
      ['queued one', 'queued two'].map(async (name) => {
        const made = await suite.cli(['projects', 'create', name, '--type', 'batch', '--json']);
        const id = (await conformJson<ProjectJson>('createProject', made)).id;
        const accepted = await unwrap(
          submitBatchInference(suite.server.clientA, {
            body: { model_id: modelId, project_id: id, inputs: [{ data: [5.1, 3.5, 1.4, 0.2], shape: [1, 4] }] },
          }),
        );
        return { id, job: accepted.job_id };
      }),
    );
    const [human, asJson, missing] = await Promise.all([
      suite.cli(['projects', 'cancel', batches[0]!.id]),
      suite.cli(['projects', 'cancel', batches[1]!.id, '--json']),
      suite.cli(['projects', 'cancel', 'proj_missing']),
    ]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^status\s+cancelled$/m);
    expect(human.stdout).toMatch(new RegExp(`^inference jobs\\s+${batches[0]!.job}$`, 'm'));
    expect(human.stdout).toMatch(/^training jobs\s+none cancelled$/m);
    const cancelled = await conformJson('cancelProject', asJson);
    expect(cancelled).toMatchObject({
      project: { id: batches[1]!.id, status: 'cancelled' },
      cancelled_jobs: { inference: [batches[1]!.job], training: [] },
    });
    expectApiError(missing, 'NOT_FOUND');
    expectApiError(await suite.cli(['projects', 'cancel', batches[0]!.id]), 'CANNOT_CANCEL');
  });

  it("usage: the tenant's totals, per hour and per project, from the real requests", async () => {
    const [summary, summaryJson, hourly, hourlyJson, badHours, project, projectJson, missing] = await Promise.all([
      suite.cli(['usage', 'summary']),
      suite.cli(['usage', 'summary', '--json']),
      suite.cli(['usage', 'hourly', '--hours', '3']),
      suite.cli(['usage', 'hourly', '--json']),
      suite.cli(['usage', 'hourly', '--hours', '73']),
      suite.cli(['usage', 'project', realtimeId]),
      suite.cli(['usage', 'project', realtimeId, '--json']),
      suite.cli(['usage', 'project', 'proj_missing']),
    ]);
    const total = await conformJson<UsageJson & { tenant_id: string; last_hour: string }>('getUsage', summaryJson);
    expect(total.tenant_id).toBe(suite.server.tenantA);
    expect(total.usage.tasks).toBeGreaterThanOrEqual(SYNC_REQUESTS);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(new RegExp(`^tenant\\s+${suite.server.tenantA}$`, 'm'));
    expect(summary.stdout).toMatch(
      new RegExp(`^tasks\\s+${total.usage.tasks} \\(${total.usage.completed_tasks} completed, 0 failed\\)$`, 'm'),
    );
    expect(summary.stdout).toMatch(
      /^estimated cost\s+(< )?0\.\d\d USD \(cpu .+ at 0\.05\/h, gpu .+ at \d+(\.\d+)?\/h\)$/m,
    );

    expect(hourly.code, hourly.stderr).toBe(0);
    const rows = hourly.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^HOUR\s+TASKS\s+OK\s+FAILED\s+CPU MS\s+GPU MS\s+BYTES IN\s+BYTES OUT\s+COST$/);
    expect(rows).toHaveLength(4);
    const perHour = await conformJson<{ hours: number; data: (UsageJson & { hour: string })[] }>(
      'getHourlyUsage',
      hourlyJson,
    );
    expect(perHour.hours).toBe(24);
    expect(perHour.data).toHaveLength(24);
    const current = perHour.data.at(-1)!;
    expect(current.usage.tasks).toBeGreaterThanOrEqual(SYNC_REQUESTS);
    expect(rows[3]).toMatch(
      new RegExp(`^${current.hour}\\s+${current.usage.tasks}\\s+${current.usage.completed_tasks}\\s+0\\s+`),
    );
    expectUsageError(badHours, /--hours must be a whole number from 1 to 72, got "73"/);

    const usage = await conformJson<UsageJson & { project_id: string }>('getProjectUsage', projectJson);
    expect(usage).toMatchObject({
      project_id: realtimeId,
      usage: { tasks: 12, completed_tasks: 12, cpu_tasks: 12, gpu_tasks: 0 },
    });
    expect(project.stdout).toMatch(new RegExp(`^project\\s+${realtimeId}$`, 'm'));
    expect(project.stdout).toMatch(/^tasks\s+12 \(12 completed, 0 failed\)$/m);
    expect(project.stdout).toMatch(/^cpu\s+12 tasks, \d+(\.\d+)? ms \(.+ h\)$/m);
    expect(project.stdout).toMatch(/^gpu\s+0 tasks, 0 ms \(0 h\)$/m);
    expect(project.stdout).toMatch(new RegExp(`^bytes in\\s+${usage.usage.bytes_in}$`, 'm'));
    expectApiError(missing, 'NOT_FOUND');
  });
});
