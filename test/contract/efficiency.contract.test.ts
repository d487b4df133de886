/**
 * Contract: the efficiency area through the SDK, from a real training job's recorded checkpoints (on both
 * drivers); training's project_id counts the job's step batches towards its project. The built-in device's
 * power sources are fakes (test/fakes/power-sources.ts): none answering, then an `nvidia-smi` that does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  getActiveRuns,
  getEfficiency,
  getEfficiencyChart,
  getEfficiencyComparison,
  getJobEfficiency,
} from '@computeplane/sdk/efficiency';
import { uploadModel } from '@computeplane/sdk/models';
import { getProject } from '@computeplane/sdk/projects';
import { startTraining, waitForTraining } from '@computeplane/sdk/training';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { fakeNvidiaSmi, type FakeNvidiaSmi } from '../fakes/power-sources.js';
import { conform, conformError, serverFor } from './harness.js';

/** Points this process's power sampling at a fake nvidia-smi printing `lines` (null: failing) and no RAPL. */
function fakePowerSources(lines: string[] | null) {
  const saved = { PATH: process.env.PATH, COMPUTEPLANE_POWERCAP_DIR: process.env.COMPUTEPLANE_POWERCAP_DIR };
  let smi: FakeNvidiaSmi | undefined;
  beforeAll(async () => {
    smi = await fakeNvidiaSmi(lines);
    process.env.PATH = smi.path;
    process.env.COMPUTEPLANE_POWERCAP_DIR = '/nonexistent';
  });
  afterAll(async () => {
    process.env.PATH = saved.PATH;
    if (saved.COMPUTEPLANE_POWERCAP_DIR === undefined) delete process.env.COMPUTEPLANE_POWERCAP_DIR;
    else process.env.COMPUTEPLANE_POWERCAP_DIR = saved.COMPUTEPLANE_POWERCAP_DIR;
    await smi?.close();
  });
}

const trainingBody = (modelId: string, projectId?: string) => ({
  model_id: modelId,
  ...(projectId ? { project_id: projectId } : {}),
  data_config: { type: 'stream' as const, total_samples: 640, batch_size: 32 },
  training_config: {
    epochs: 4,
    learning_rate: 0.05,
    optimizer: 'adam' as const,
    target_accuracy: 0.01,
    local_steps: 4,
  },
});

describe.each(testDrivers)('efficiency contract on $name', (driver) => {
  fakePowerSources(null);
  const suite = serverFor(driver, { settings: { usage: { flushMs: 50 } } });

  it('reports a trained job’s throughput, time-to-accuracy and nulls with reasons', async () => {
    const client = suite.server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const accepted = await unwrap(startTraining(client, { body: trainingBody(model.id, 'proj_training_eff') }));
    const { data: active } = await conform('getActiveRuns', getActiveRuns(client));
    expect(active!.runs.length).toBeGreaterThanOrEqual(0);
    const done = await waitForTraining(client, accepted.job_id, { timeoutMs: 60_000, intervalMs: 50 });
    expect(done.status).toBe('completed');

    const { data: job } = await conform(
      'getJobEfficiency',
      getJobEfficiency(client, { params: { path: { jobId: accepted.job_id } } }),
    );
    expect(job!.checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(job!.samples_trained).toBe(job!.checkpoints.at(-1)!.samples);
    expect(job!.instance_type).toBe('aws');
    expect(job!.samples_per_sec).toBeGreaterThan(0);
    expect(job!.tta_seconds).toBeGreaterThan(0);
    expect(job!.power_watts).toBeNull();
    expect(job!.notes).toContain('power_watts: no device reported its power draw');

    const { data: aggregate } = await conform(
      'getEfficiency',
      getEfficiency(client, { params: { query: { instance_type: 'aws' } } }),
    );
    expect(aggregate).toMatchObject({ instance_type: 'aws', jobs: 1, completed_jobs: 1, jobs_reaching_target: 1 });
    const { data: comparison } = await conform('getEfficiencyComparison', getEfficiencyComparison(client));
    expect(comparison!.user.jobs).toBe(0);
    for (const type of ['tta', 'scaling', 'power', 'throughput'] as const)
      await conform('getEfficiencyChart', getEfficiencyChart(client, { params: { path: { type } } }));
    const tta = await unwrap(getEfficiencyChart(client, { params: { path: { type: 'tta' } } }));
    expect(tta.series[0]!.job_id).toBe(accepted.job_id);
    await conformError(
      'getEfficiencyChart',
      getEfficiencyChart(client, { params: { path: { type: 'latency' as 'tta' } } }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'getJobEfficiency',
      getJobEfficiency(suite.server.clientB, { params: { path: { jobId: accepted.job_id } } }),
      404,
      'NOT_FOUND',
    );
    // The job's step batches counted towards its project, which completed with it.
    const project = await unwrap(getProject(client, { params: { path: { id: 'proj_training_eff' } } }));
    expect(project).toMatchObject({ type: 'training', status: 'completed' });
    expect(project.completed_tasks).toBe(project.submitted_tasks);
  });
});

describe.each(testDrivers)('efficiency power on $name', (driver) => {
  fakePowerSources(['61.5', '70.25']);
  const suite = serverFor(driver, { settings: { usage: { flushMs: 50 } } });

  it('reports the power draw the built-in device sampled while the job trained', async () => {
    const client = suite.server.clientA;
    const model = await unwrap(uploadModel(client, { model: fixturePath('tiny-mlp.onnx') }));
    const accepted = await unwrap(startTraining(client, { body: trainingBody(model.id) }));
    const done = await waitForTraining(client, accepted.job_id, { timeoutMs: 60_000, intervalMs: 50 });
    expect(done.status).toBe('completed');

    const { data: job } = await conform(
      'getJobEfficiency',
      getJobEfficiency(client, { params: { path: { jobId: accepted.job_id } } }),
    );
    // Both fake GPUs summed (the sampler's first answer is in long before the last checkpoint); no note.
    expect(job!.power_watts).toBe(131.8);
    expect(job!.checkpoints.at(-1)!.power_watts).toBe(131.8);
    expect(job!.notes.filter((note) => note.startsWith('power_watts'))).toEqual([]);
    const { data: aggregate } = await conform(
      'getEfficiency',
      getEfficiency(client, { params: { query: { instance_type: 'aws' } } }),
    );
    expect(aggregate!.avg_power_watts).toBe(131.8);
    const { data: chart } = await conform(
      'getEfficiencyChart',
      getEfficiencyChart(client, { params: { path: { type: 'power' } } }),
    );
    expect(chart!.series[0]!.points.map((p) => p.y)).toContain(131.8);
  });
});
