/**
 * Contract: the dashboard's benchmarks through the SDK, on both drivers: a quick inference benchmark
 * whose project counts every request, a training benchmark, a step-load benchmark with real requests
 * through the platform (short minimum duration on this test server), and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { getPerfBenchmark, runBenchmark, runPerfBenchmark, waitForPerfBenchmark } from '@computeplane/sdk/dashboard';
import { uploadModel } from '@computeplane/sdk/models';
import { getProject, waitForProject } from '@computeplane/sdk/projects';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, contractInferenceSettings, serverFor } from './harness.js';

describe.each(testDrivers)('benchmark contract on $name', (driver) => {
  const suite = serverFor(driver, {
    settings: { inference: contractInferenceSettings, usage: { flushMs: 50 }, dashboard: { benchmarkMinDurationS: 2 } },
  });

  it('runs quick benchmarks as projects and a step load with per-step results', async () => {
    const client = suite.server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const { data: quick } = await conform(
      'runBenchmark',
      runBenchmark(client, { body: { mode: 'inference', model_id: model.id, requests: 24 } }),
    );
    const done = await waitForProject(client, quick!.project_id, { intervalMs: 50, timeoutMs: 30_000 });
    expect(done).toMatchObject({ type: 'benchmark', completed_tasks: 24, status: 'completed' });
    const { data: training } = await conform(
      'runBenchmark',
      runBenchmark(client, { body: { mode: 'training', model_id: model.id, epochs: 1, batch_size: 64 } }),
    );
    expect(training!.job_id).toMatch(/^train_/);
    await conformError(
      'runBenchmark',
      runBenchmark(client, { body: { mode: 'gpu-training', model_id: model.id } }),
      503,
      'NO_DEVICES',
    );

    const { data: started } = await conform(
      'runPerfBenchmark',
      runPerfBenchmark(client, { body: { model_id: model.id, duration: 2, rps_steps: [5, 10], instance_type: 'aws' } }),
    );
    expect(started).toMatchObject({ status: 'running', steps: [], max_concurrency: 5 });
    const finished = await waitForPerfBenchmark(client, started!.id, { intervalMs: 100, timeoutMs: 30_000 });
    await conform('getPerfBenchmark', getPerfBenchmark(client, { params: { path: { id: started!.id } } }));
    expect(finished.status).toBe('completed');
    expect(finished.steps.map((s) => [s.target_rps, s.sent + s.dropped])).toEqual([
      [5, 5],
      [10, 10],
    ]);
    for (const step of finished.steps) {
      expect(step.succeeded).toBe(step.sent);
      expect(step.latency_ms.p50).toBeGreaterThan(0);
    }
    const project = await unwrap(getProject(client, { params: { path: { id: started!.id } } }));
    expect(project.completed_tasks).toBe(finished.steps.reduce((sum, s) => sum + s.succeeded, 0));

    await conformError(
      'runPerfBenchmark',
      runPerfBenchmark(client, { body: { model_id: model.id, duration: 1 } }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'runPerfBenchmark',
      runPerfBenchmark(client, { body: { model_id: model.id, duration: 2, instance_type: 'user' } }),
      503,
      'NO_DEVICES',
    );
    await conformError(
      'getPerfBenchmark',
      getPerfBenchmark(suite.server.clientB, { params: { path: { id: started!.id } } }),
      404,
      'NOT_FOUND',
    );
  });
});
