/**
 * Contract: the projects area (and a project's usage) through the SDK against a real server, on both
 * drivers. Counts come from real inference (sync requests and a batch whose auto-generated project becomes a real one);
 * percentiles and throughput buckets from a known workload recorded with known latencies and end times.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { runInference, submitBatchInference, waitForInferenceJob, getInferenceJob } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import {
  cancelProject,
  completeProject,
  createProject,
  getProject,
  getProjectAnalytics,
  iterateProjects,
  listProjects,
} from '@computeplane/sdk/projects';
import { getProjectUsage } from '@computeplane/sdk/usage';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { recordKnownWorkload } from '@computeplane/test-support/known-workload';
import { conform, conformError, contractInferenceSettings, serverFor } from './harness.js';

describe.each(testDrivers)('projects contract on $name', (driver) => {
  const suite = serverFor(driver, { settings: { inference: contractInferenceSettings, usage: { flushMs: 50 } } });
  const upload = () => unwrap(uploadModel(suite.server.clientA, { model: fixturePath('regression.onnx') }));

  it('creates, lists, gets, completes a realtime project counted exactly from concurrent sync requests', async () => {
    const client = suite.server.clientA;
    const model = await upload();
    const { data: project } = await conform(
      'createProject',
      createProject(client, { body: { name: 'Production API', type: 'realtime', model_id: model.id } }),
    );
    expect(project).toMatchObject({ status: 'active', type: 'realtime', completed_tasks: 0, progress_percent: null });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        unwrap(
          runInference(client, {
            body: { model_id: model.id, project_id: project!.id, input: { data: [i, 1, 2], shape: [1, 3] } },
          }),
        ),
      ),
    );
    const { data: got } = await conform('getProject', getProject(client, { params: { path: { id: project!.id } } }));
    expect(got).toMatchObject({ completed_tasks: 40, failed_tasks: 0, status: 'active' });
    expect(got!.metrics.avg_latency_ms).toBeGreaterThan(0);
    expect(got!.metrics.bytes_in).toBeGreaterThan(0);
    const { data: list } = await conform(
      'listProjects',
      listProjects(client, { params: { query: { type: 'realtime', status: 'active' } } }),
    );
    expect(list!.projects.map((p) => p.id)).toContain(project!.id);
    const all: string[] = [];
    for await (const p of iterateProjects(client, { type: 'realtime' }, 1)) all.push(p.id);
    expect(all).toContain(project!.id);
    const { data: analytics } = await conform(
      'getProjectAnalytics',
      getProjectAnalytics(client, { params: { path: { id: project!.id } } }),
    );
    expect(analytics!.success_count).toBe(40);
    expect(analytics!.by_instance_type.aws.tasks).toBe(40);
    expect(analytics!.latency.samples).toBe(40);
    const { data: usage } = await conform(
      'getProjectUsage',
      getProjectUsage(client, { params: { path: { id: project!.id } } }),
    );
    expect(usage!.usage).toMatchObject({ tasks: 40, completed_tasks: 40, cpu_tasks: 40, gpu_tasks: 0 });
    expect(usage!.usage.estimated_cost.total).toBeCloseTo((usage!.usage.cpu_ms / 3_600_000) * 0.05, 8);
    const { data: done } = await conform(
      'completeProject',
      completeProject(client, { params: { path: { id: project!.id } } }),
    );
    expect(done!.status).toBe('completed');
    await conformError(
      'completeProject',
      completeProject(client, { params: { path: { id: project!.id } } }),
      409,
      'CONFLICT',
    );
    await conformError(
      'cancelProject',
      cancelProject(client, { params: { path: { id: project!.id } } }),
      409,
      'CANNOT_CANCEL',
    );
    // Tenants are isolated.
    await conformError(
      'getProject',
      getProject(suite.server.clientB, { params: { path: { id: project!.id } } }),
      404,
      'NOT_FOUND',
    );
    await conformError(
      'getProjectUsage',
      getProjectUsage(suite.server.clientB, { params: { path: { id: project!.id } } }),
      404,
      'NOT_FOUND',
    );
    // A project names a model of its own tenant: another tenant's model, like a missing one, is 404.
    await conformError(
      'createProject',
      createProject(suite.server.clientB, { body: { name: 'borrowed', model_id: model.id } }),
      404,
      'NOT_FOUND',
    );
  });

  it("turns a batch's auto-generated project into a real one that completes with the batch", async () => {
    const client = suite.server.clientA;
    const model = await upload();
    const inputs = Array.from({ length: 30 }, (_, i) => ({ data: [i, 2, 3], shape: [1, 3] }));
    const accepted = await unwrap(submitBatchInference(client, { body: { model_id: model.id, inputs } }));
    expect(accepted.project_id).toMatch(/^batch_\d+$/);
    await waitForInferenceJob(client, accepted.job_id, { intervalMs: 20, timeoutMs: 20_000 });
    const project = await unwrap(getProject(client, { params: { path: { id: accepted.project_id } } }));
    expect(project).toMatchObject({
      type: 'batch',
      submitted_tasks: 30,
      completed_tasks: 30,
      status: 'completed',
      progress_percent: 100,
    });
  });

  it('computes percentiles and throughput buckets from a known workload', async () => {
    const client = suite.server.clientA;
    const project = await unwrap(
      createProject(client, { body: { name: 'known', type: 'benchmark', total_tasks: 100 } }),
    );
    recordKnownWorkload(suite.server, project.id);
    const analytics = await unwrap(
      getProjectAnalytics(client, { params: { path: { id: project.id }, query: { bucket_size: 60 } } }),
    );
    // percentile_cont over 1..100 interpolates linearly: p50 = 50.5, p90 = 90.1, p95 = 95.05, p99 = 99.01.
    expect(analytics.latency).toEqual({
      samples: 100,
      avg: 50.5,
      min: 1,
      max: 100,
      p50: 50.5,
      p90: 90.1,
      p95: 95.05,
      p99: 99.01,
    });
    expect(analytics.throughput.buckets).toEqual([
      { timestamp: '2026-11-23T10:00:00.000Z', completed: 60, failed: 0, tasks_per_sec: 1 },
      { timestamp: '2026-11-23T10:01:00.000Z', completed: 40, failed: 0, tasks_per_sec: 0.667 },
    ]);
    expect(analytics.by_instance_type.user).toMatchObject({ tasks: 25, completed: 25 });
    expect(analytics.by_instance_type.user.latency.p50).toBe(52);
    expect(analytics.by_device.map((d) => [d.device_id, d.instance_type, d.processor, d.stats.tasks])).toEqual([
      ['dev_known', 'user', 'gpu', 25],
      ['local/test', 'aws', 'cpu', 75],
    ]);
    const got = await unwrap(getProject(client, { params: { path: { id: project.id } } }));
    expect(got).toMatchObject({ completed_tasks: 100, status: 'completed', progress_percent: 100 });
    const empty = await unwrap(createProject(client, { body: { name: 'empty' } }));
    const none = await unwrap(getProjectAnalytics(client, { params: { path: { id: empty.id } } }));
    expect(none.latency.p50).toBeNull();
    expect(none.success_rate).toBeNull();
    expect(none.notes.length).toBe(2);
  });
});

describe.each(testDrivers)('project cancel contract on $name', (driver) => {
  // No runner: the batch stays queued until the project is cancelled.
  const suite = serverFor(driver, { settings: { inference: { ...contractInferenceSettings, runJobs: false } } });

  it("cancels the project's queued batch job and refuses a second cancel", async () => {
    const client = suite.server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('regression.onnx') }));
    const project = await unwrap(createProject(client, { body: { name: 'to cancel', type: 'batch' } }));
    const accepted = await unwrap(
      submitBatchInference(client, {
        body: { model_id: model.id, project_id: project.id, inputs: [{ data: [1, 2, 3], shape: [1, 3] }] },
      }),
    );
    expect((await unwrap(getProject(client, { params: { path: { id: project.id } } }))).submitted_tasks).toBe(1);
    const { data: cancelled } = await conform(
      'cancelProject',
      cancelProject(client, { params: { path: { id: project.id } } }),
    );
    expect(cancelled).toMatchObject({
      project: { status: 'cancelled' },
      cancelled_jobs: { inference: [accepted.job_id], training: [] },
    });
    expect((await unwrap(getInferenceJob(client, { params: { path: { jobId: accepted.job_id } } }))).status).toBe(
      'cancelled',
    );
    await conformError(
      'cancelProject',
      cancelProject(client, { params: { path: { id: project.id } } }),
      409,
      'CANNOT_CANCEL',
    );
    await conformError(
      'createProject',
      createProject(client, { body: { name: '', type: 'batch' } }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'cancelProject',
      cancelProject(client, { params: { path: { id: 'proj_missing' } } }),
      404,
      'NOT_FOUND',
    );
  });
});
