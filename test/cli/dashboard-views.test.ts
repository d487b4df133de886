/**
 * `computeplane dashboard devices|jobs|projects|tasks|throughput|efficiency|comparison|utilization` as real
 * processes against a real server, over data made for real: a model uploaded, `infer` run, a `batch` over a
 * CSV and a tiny training run, all with the CLI. Each view's --json is the API's body; its human form shows
 * those values; bad flags are usage errors or the API's 400. `dashboard <project>` still streams.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '@computeplane/test-support/fixtures';
import type { CliResult } from '@computeplane/test-support/cli-process';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

const IRIS = fixturePath('../datasets/iris-small.csv');
const INPUT = JSON.stringify({ data: [5.1, 3.5, 1.4, 0.2, 7.0, 3.2, 4.7, 1.4], shape: [2, 4] });
type Tasks = { tasks: { id: number; kind: string; job_id: string | null; project_id: string | null; tasks: number }[] };
type Jobs = { jobs: { job_id: string; kind: string; project_id: string | null }[] };
const TINY_RUN = ['--stream', '--epochs', '3', '--samples', '256', '--local-steps', '2', '--target-accuracy', '0.01'];

describe('computeplane dashboard views', () => {
  const suite = cliSuite({ settings: { usage: { flushMs: 50 } } });
  const made = {} as { model: string; batch: string; project: string; training: string };

  beforeAll(async () => {
    const uploaded = await suite.cli(['models', 'upload', fixturePath('tiny-mlp.onnx'), '--json']);
    made.model = (await conformJson<{ id: string }>('uploadModel', uploaded)).id;
    for (let i = 0; i < 3; i += 1) {
      const run = await suite.cli(['infer', made.model, '--input', INPUT]);
      expect(run.code, run.stderr).toBe(0);
    }
    const batch = await suite.cli(['batch', made.model, IRIS, '--exclude', 'label', '--json']);
    const job = await conformJson<{ job_id: string; project_id: string; status: string }>('getInferenceJob', batch);
    expect(job.status).toBe('completed');
    [made.batch, made.project] = [job.job_id, job.project_id];
    const trained = await suite.cli(['train', made.model, ...TINY_RUN, '--json']);
    made.training = (await conformJson<{ job_id: string }>('getTraining', trained)).job_id;
    // Task records are written in the background (usage flushMs 50): wait for the batch's and the training's.
    for (let tries = 0; ; tries += 1) {
      const { tasks } = JSON.parse((await suite.cli(['dashboard', 'tasks', '--json'])).stdout) as Tasks;
      const jobs = new Set(tasks.map((task) => task.job_id));
      if (jobs.has(made.batch) && jobs.has(made.training)) break;
      if (tries > 100) throw new Error('the batch and training task records never appeared');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);

  it('devices, jobs, projects, tasks and throughput: --json is the body, tables show its values', async () => {
    const { model, batch, project, training } = made;
    const runs = await Promise.all([
      suite.cli(['dashboard', 'devices', '--json']),
      suite.cli(['dashboard', 'devices']),
      suite.cli(['dashboard', 'jobs', '--json']),
      suite.cli(['dashboard', 'jobs', '--type', 'inference', '--json']),
      suite.cli(['dashboard', 'jobs']),
      suite.cli(['dashboard', 'projects', '--json']),
      suite.cli(['dashboard', 'projects']),
      suite.cli(['dashboard', 'tasks', '--json']),
      suite.cli(['dashboard', 'tasks', '--project', project, '--limit', '1', '--json']),
      suite.cli(['dashboard', 'tasks', '--project', project]),
      suite.cli(['dashboard', 'throughput', '--project', project, '--bucket-size', '3600', '--json']),
      suite.cli(['dashboard', 'throughput', '--project', project, '--bucket-size', '3600']),
    ]);
    const [devicesJson, devicesText, jobsJson, inferenceJson, jobsText, projectsJson, projectsText] = runs;
    const [tasksJson, oneTaskJson, tasksText, throughputJson, throughputText] = runs.slice(7) as [
      CliResult,
      CliResult,
      CliResult,
      CliResult,
      CliResult,
    ];
    for (const run of runs) expect(run.code, run.stderr).toBe(0);

    const devices = await conformJson<{ total: number; platforms: Record<string, number | string>[] }>(
      'getDashboardDevices',
      devicesJson,
    );
    expect(devices.total).toBe(1);
    expect(devices.platforms).toEqual([expect.objectContaining({ platform: 'nodejs', devices: 1, online: 1 })]);
    const node = devices.platforms[0]!;
    expect(node.tasks_completed).toBeGreaterThanOrEqual(4);
    expect(devicesText.stdout).toMatch(
      new RegExp(
        `^PLATFORM +DEVICES +ONLINE +BUSY +OFFLINE +GPU +COMPLETED +FAILED +AVG LATENCY\n` +
          `nodejs +1 +1 +0 +0 +0 +${node.tasks_completed} +0 +[\\d.]+ ms\n1 device in all\n$`,
      ),
    );

    const jobs = await conformJson<Jobs>('getDashboardJobs', jobsJson);
    expect(jobs.jobs.map((job) => [job.job_id, job.kind])).toEqual([
      [training, 'training'],
      [batch, 'batch'],
    ]);
    expect(jobs.jobs[1]).toMatchObject({ model_id: model, project_id: project, total_tasks: 6, completed_tasks: 6 });
    expect((await conformJson<Jobs>('getDashboardJobs', inferenceJson)).jobs.map((job) => job.job_id)).toEqual([batch]);
    expect(jobsText.stdout).toMatch(
      new RegExp(`^${batch} +batch +completed +100% +6 +6 +0 +${model} +${project} +\\d{4}-\\d\\d-\\d\\dT`, 'm'),
    );
    expect(jobsText.stdout).toMatch(
      new RegExp(`^${training} +training +completed +100% +\\d+ +\\d+ +0 +${model} +- +`, 'm'),
    );

    const { projects } = await conformJson<{ projects: { id: string }[] }>('getDashboardProjects', projectsJson);
    expect(projects.map((p) => p.id)).toEqual([project]);
    expect(projectsText.stdout).toMatch(
      new RegExp(`^${project} +${project} +batch +completed +100% \\(6/6\\) +6 +0 +[\\d.]+ ms +\\d{4}-`, 'm'),
    );

    const { tasks } = await conformJson<Tasks>('getDashboardTasks', tasksJson);
    expect(tasks.filter((task) => task.kind === 'inference')).toHaveLength(3);
    expect(tasks.filter((task) => task.job_id === training).every((task) => task.kind === 'training')).toBe(true);
    const [one] = (await conformJson<Tasks>('getDashboardTasks', oneTaskJson)).tasks;
    expect((await conformJson<Tasks>('getDashboardTasks', oneTaskJson)).tasks).toHaveLength(1);
    expect(one).toMatchObject({ kind: 'batch', tasks: 6, failed: 0, job_id: batch, project_id: project });
    expect(tasksText.stdout).toMatch(
      new RegExp(`^${one!.id} +batch +6 +0 +[\\d.]+ ms +[\\d.]+ ms +\\S+ +aws/cpu +${project} +${batch} +\\d{4}-`, 'm'),
    );
    expect(tasksText.stdout.trimEnd().split('\n')).toHaveLength(2); // the header and the batch's one record

    const throughput = await conformJson<{ bucket_size: number; buckets: { completed: number }[] }>(
      'getTaskThroughput',
      throughputJson,
    );
    expect(throughput.bucket_size).toBe(3600);
    expect(throughput.buckets.reduce((sum, bucket) => sum + bucket.completed, 0)).toBe(6);
    const rows = throughputText.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^BUCKET +COMPLETED +FAILED +TASKS\/S +AVG LATENCY$/);
    expect(rows.slice(1).reduce((sum, row) => sum + Number(row.split(/ +/)[1]), 0)).toBe(6);
    expect(rows[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z +\d +0 +0\.\d+ +[\d.]+ ms$/);
  }, 60_000);

  it('efficiency, comparison and utilization: the overviews with real figures', async () => {
    const runs = await Promise.all([
      suite.cli(['dashboard', 'efficiency', '--json']),
      suite.cli(['dashboard', 'efficiency']),
      suite.cli(['dashboard', 'comparison', '--json']),
      suite.cli(['dashboard', 'comparison']),
      suite.cli(['dashboard', 'utilization', '--json']),
      suite.cli(['dashboard', 'utilization']),
    ]);
    const [efficiencyJson, efficiencyText, comparisonJson, comparisonText, utilizationJson, utilizationText] = runs;
    for (const run of runs) expect(run.code, run.stderr).toBe(0);

    const efficiency = await conformJson<{ summary: { samples_trained: number }; power: { series: unknown[] } }>(
      'getDashboardEfficiency',
      efficiencyJson,
    );
    expect(efficiency.summary).toMatchObject({ jobs: 1, completed_jobs: 1, jobs_reaching_target: 1 });
    expect(efficiency.summary.samples_trained).toBeGreaterThan(0);
    expect(efficiency.power.series).toEqual([]);
    expect(efficiencyText.stdout).toMatch(/^jobs +1 \(1 completed, 0 active\)$/m);
    expect(efficiencyText.stdout).toMatch(new RegExp(`^samples trained +${efficiency.summary.samples_trained}$`, 'm'));
    expect(efficiencyText.stdout).toMatch(/^avg throughput +[\d.]+ samples\/s$/m);
    expect(efficiencyText.stdout).toMatch(/^reached target +1 of 1 jobs$/m);
    expect(efficiencyText.stdout).toMatch(/^tta chart +1 series, \d+ points?$/m);
    expect(efficiencyText.stdout).toMatch(/^power chart +no points yet$/m);
    expect(efficiencyText.stdout).toMatch(/^note: avg_power_watts: no device reported its power draw$/m);

    const comparison = await conformJson<{ inference: Record<'aws' | 'user', { tasks: number }> }>(
      'getDashboardComparison',
      comparisonJson,
    );
    expect(comparison.inference.aws.tasks).toBe(9); // 3 infer calls and the batch's 6 rows
    expect(comparison.inference.user.tasks).toBe(0);
    expect(comparisonText.stdout).toMatch(/^METRIC +AWS +USER$/m);
    expect(comparisonText.stdout).toMatch(/^training jobs +1 \(1 completed, 0 active\) +0 \(0 completed, 0 active\)$/m);
    expect(comparisonText.stdout).toMatch(/^inference tasks \(24 h\) +9 +0$/m);
    expect(comparisonText.stdout).toMatch(/^inference p95 latency +[\d.]+ ms +-$/m);

    const utilization = await conformJson<{ allocation: { capacity: number }; gpu: { usage: null } }>(
      'getClusterUtilization',
      utilizationJson,
    );
    expect(utilization).toMatchObject({ devices: { total: 1, online: 1, offline: 0 }, gpu: { usage: null } });
    expect(utilization.allocation.capacity).toBeGreaterThan(0);
    expect(utilizationText.stdout).toMatch(/^devices +1 \(1 online: \d busy, \d idle; 0 offline\)$/m);
    expect(utilizationText.stdout).toMatch(
      new RegExp(`^allocation +\\d+ of ${utilization.allocation.capacity} task slots \\(\\d+(\\.\\d+)?%\\)$`, 'm'),
    );
    expect(utilizationText.stdout).toMatch(/^server CPU +[\d.]+% \(load [\d.]+ on \d+ cores\)$/m);
    expect(utilizationText.stdout).toMatch(/^GPU usage +-$/m);
    expect(utilizationText.stdout).toMatch(/^note: gpu\.usage: /m);
  }, 60_000);

  it("bad flags: a usage error before any request, or the API's 400", async () => {
    const [type, limit, bigLimit, bucket, fraction, unknown] = await Promise.all([
      suite.cli(['dashboard', 'jobs', '--type', 'gpu']),
      suite.cli(['dashboard', 'tasks', '--limit', '0']),
      suite.cli(['dashboard', 'tasks', '--limit', '1001']),
      suite.cli(['dashboard', 'throughput', '--bucket-size', '86401']),
      suite.cli(['dashboard', 'throughput', '--bucket-size', '1.5']),
      suite.cli(['dashboard', 'devices', '--type', 'gpu']),
    ]);
    expectApiError(type, 'VALIDATION_ERROR');
    expectUsageError(limit, /--limit must be a whole number from 1 to 1000, got "0"/);
    expectUsageError(bigLimit, /--limit must be a whole number from 1 to 1000, got "1001"/);
    expectUsageError(bucket, /--bucket-size must be a whole number from 1 to 86400, got "86401"/);
    expectUsageError(fraction, /--bucket-size must be a whole number from 1 to 86400, got "1.5"/);
    expectUsageError(unknown, /unknown option '--type'/);
  });

  it('dashboard <project> still streams beside the subcommands', async () => {
    const [json, text, none] = await Promise.all([
      suite.cli(['dashboard', made.project, '--json', '--count', '1']),
      suite.cli(['dashboard', made.project, '--interval', '100']),
      suite.cli(['dashboard']),
    ]);
    const [line] = json.stdout.trimEnd().split('\n');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(line!)).toMatchObject({ id: made.project, status: 'completed', completed_tasks: 6 });
    // The batch's project has ended: its last figures, then the end.
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${made.project} {2}update 1 {2}\\d\\d:\\d\\d:\\d\\d\\n`));
    expect(text.stdout).toContain(`${made.project} ended: completed`);
    expectUsageError(none, /missing required argument 'project'/);
  });
});
