/**
 * `computeplane efficiency ...` as real processes against a real server: a tiny model trained on the stream
 * first (the built-in device records its checkpoints), then every command with --json (checked against the
 * spec and the SDK's answer) and in human form, the chart drawn under a pseudo-terminal, a running job among
 * the active runs, and the errors: an unknown job, another tenant's job, a bad chart or instance type (the server's 400).
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  getEfficiency,
  getJobEfficiency,
  type ActiveRuns,
  type EfficiencyAggregate,
  type EfficiencyChart,
  type EfficiencyComparison,
  type JobEfficiency,
} from '@computeplane/sdk/efficiency';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { cliSuite, conformJson, expectApiError } from './harness.js';

/** 3 epochs of 256 stream samples, synchronising every 2 batches: several checkpoints in a second or two. */
const TINY_RUN = ['--stream', '--epochs', '3', '--samples', '256', '--local-steps', '2', '--target-accuracy', '0.01'];
const LONG_RUN = ['--stream', '--samples', '4000', '--batch-size', '8', '--epochs', '30', '--local-steps', '5'];

describe('computeplane efficiency', () => {
  const suite = cliSuite();
  let model: string;
  let jobId: string;

  it('summarises, compares and shows one job after a tiny training run', async () => {
    const uploaded = await suite.cli(['models', 'upload', fixturePath('tiny-mlp.onnx'), '--json']);
    model = (await conformJson<{ id: string }>('uploadModel', uploaded)).id;
    const trained = await suite.cli(['train', model, ...TINY_RUN, '--json']);
    const job = await conformJson<{ job_id: string; status: string }>('getTraining', trained);
    expect(job.status).toBe('completed');
    jobId = job.job_id;

    const [jobJson, jobText, summaryJson, summaryText, awsJson, userText, compareJson, compareText] = await Promise.all(
      [
        suite.cli(['efficiency', 'job', jobId, '--json']),
        suite.cli(['efficiency', 'job', jobId]),
        suite.cli(['efficiency', 'summary', '--json']),
        suite.cli(['efficiency', 'summary']),
        suite.cli(['efficiency', 'summary', '--instance-type', 'aws', '--json']),
        suite.cli(['efficiency', 'summary', '--instance-type', 'user']),
        suite.cli(['efficiency', 'compare', '--json']),
        suite.cli(['efficiency', 'compare']),
      ],
    );

    // One job: its body exactly as the API has it, with real figures.
    const metrics = await conformJson<JobEfficiency>('getJobEfficiency', jobJson);
    expect(metrics).toEqual(await unwrap(getJobEfficiency(suite.server.clientA, { params: { path: { jobId } } })));
    expect(metrics).toMatchObject({ job_id: jobId, model_id: model, instance_type: 'aws', target_accuracy: 0.01 });
    expect(metrics.checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(metrics.samples_per_sec).toBeGreaterThan(0);
    expect(metrics.tta_seconds).toBeGreaterThan(0);
    expect(jobText.code, jobText.stderr).toBe(0);
    expect(jobText.stdout).toMatch(new RegExp(`^job\\s+${jobId}$`, 'm'));
    expect(jobText.stdout).toMatch(/^status\s+completed$/m);
    expect(jobText.stdout).toMatch(new RegExp(`^samples trained\\s+${metrics.samples_trained}$`, 'm'));
    const throughput = /^throughput\s+([\d.]+) samples\/s$/m.exec(jobText.stdout)?.[1];
    expect(Number(throughput)).toBeCloseTo(metrics.samples_per_sec!, 3);
    const tta = /^time to accuracy\s+([\d.]+) s$/m.exec(jobText.stdout)?.[1];
    expect(Number(tta)).toBeCloseTo(metrics.tta_seconds!, 3);
    expect(jobText.stdout).toMatch(/^target accuracy\s+1\.0%$/m);
    expect(jobText.stdout).toMatch(/^scaling efficiency\s+(-|\d+\.\d%)$/m);
    expect(jobText.stdout).toMatch(/^power\s+(-|[\d.]+ W)$/m);
    expect(jobText.stdout).toMatch(new RegExp(`^checkpoints\\s+${metrics.checkpoints.length} \\(last at `, 'm'));
    for (const note of metrics.notes) expect(jobText.stdout).toContain(`note: ${note}`);

    // The aggregate: all jobs, then the aws ones (the built-in device), then none on user devices.
    const all = await conformJson<EfficiencyAggregate>('getEfficiency', summaryJson);
    expect(all).toEqual(await unwrap(getEfficiency(suite.server.clientA)));
    expect(all).toMatchObject({ instance_type: 'all', jobs: 1, completed_jobs: 1, jobs_reaching_target: 1 });
    expect(all.samples_trained).toBe(metrics.samples_trained);
    expect(summaryText.stdout).toMatch(/^instance type\s+all$/m);
    expect(summaryText.stdout).toMatch(/^jobs\s+1 \(1 completed, 0 active\)$/m);
    expect(summaryText.stdout).toMatch(new RegExp(`^samples trained\\s+${all.samples_trained}$`, 'm'));
    expect(summaryText.stdout).toMatch(/^reached target\s+1 of 1 jobs$/m);
    expect(summaryText.stdout).toMatch(/^avg throughput\s+[\d.]+ samples\/s$/m);
    const aws = await conformJson<EfficiencyAggregate>('getEfficiency', awsJson);
    expect(aws).toMatchObject({ instance_type: 'aws', jobs: 1 });
    expect(userText.code).toBe(0);
    expect(userText.stdout).toMatch(/^instance type\s+user$/m);
    expect(userText.stdout).toMatch(/^avg throughput\s+-$/m);

    const comparison = await conformJson<EfficiencyComparison>('getEfficiencyComparison', compareJson);
    expect(comparison.aws.jobs).toBe(1);
    expect(comparison.user.jobs).toBe(0);
    expect(compareText.stdout.split('\n')[0]).toMatch(/^METRIC\s+AWS\s+USER$/);
    expect(compareText.stdout).toMatch(/^jobs\s+1 \(1 completed, 0 active\)\s+0 \(0 completed, 0 active\)$/m);
    expect(compareText.stdout).toMatch(/^avg throughput\s+[\d.]+ samples\/s\s+-$/m);
  });

  it('charts every type: a table of points on a pipe, a drawing on a terminal, the body with --json', async () => {
    const [tta, ttaText, throughput, scalingText, powerJson, tty] = await Promise.all([
      suite.cli(['efficiency', 'chart', 'tta', '--json']),
      suite.cli(['efficiency', 'chart', 'tta']),
      suite.cli(['efficiency', 'chart', 'throughput', '--json']),
      suite.cli(['efficiency', 'chart', 'scaling']),
      suite.cli(['efficiency', 'chart', 'power', '--json']),
      suite.pty(['efficiency', 'chart', 'throughput']),
    ]);
    const chart = await conformJson<EfficiencyChart>('getEfficiencyChart', tta);
    expect(chart).toMatchObject({ type: 'tta', y_label: 'accuracy', x_label: 'seconds since job created' });
    expect(chart.series[0]!.job_id).toBe(jobId);
    const points = chart.series[0]!.points;
    expect(ttaText.stdout.split('\n')[0]).toMatch(/^SERIES\s+TYPE\s+SECONDS SINCE JOB CREATED\s+ACCURACY$/);
    const rows = ttaText.stdout.split('\n').filter((line) => line.startsWith(jobId));
    expect(rows).toHaveLength(points.length);
    const [, , x, y] = rows[0]!.split(/\s+/);
    expect(Number(x)).toBeCloseTo(points[0]!.x, 3);
    expect(Number(y)).toBeCloseTo(points[0]!.y, 3);

    expect(scalingText.stdout.split('\n')[0]).toMatch(/^SERIES\s+TYPE\s+DEVICES\s+SAMPLES PER SECOND\s+EFFICIENCY$/);
    expect(scalingText.stdout).toMatch(/^all jobs\s+-\s+1\s+[\d.]+\s+1$/m);
    expect((await conformJson<EfficiencyChart>('getEfficiencyChart', powerJson)).type).toBe('power');

    // A terminal: asciichart's line for the throughput series, its legend and the x range.
    const series = (await conformJson<EfficiencyChart>('getEfficiencyChart', throughput)).series;
    expect(series[0]!.points.length).toBeGreaterThanOrEqual(2);
    expect(tty.code, tty.transcript).toBe(0);
    expect(tty.transcript).toContain('samples per second over seconds since job created');
    expect(tty.transcript).toMatch(/[╭╮╰╯─]/);
    expect(tty.transcript).toMatch(/┤/);
    expect(tty.transcript).toMatch(new RegExp(`━━(\\S*)? ${jobId} \\(aws\\)`));
    expect(tty.transcript).toMatch(/\d+\.\d+ … \d+\.\d+ seconds since job created/);
  });

  it('lists a running job among the active runs, and none once it is cancelled', async () => {
    const started = await suite.cli(['train', model, ...LONG_RUN, '--detach']);
    expect(started.code, started.stderr).toBe(0);
    const running = started.stdout.trim();
    await expect
      .poll(
        async () => {
          const active = await conformJson<ActiveRuns>(
            'getActiveRuns',
            await suite.cli(['efficiency', 'active', '--json']),
          );
          return active.runs.find((run) => run.job_id === running)?.rate ?? null;
        },
        { timeout: 30_000, interval: 300 },
      )
      .toBeGreaterThan(0);
    const text = await suite.cli(['efficiency', 'active']);
    expect(text.stdout.split('\n')[0]).toMatch(
      /^JOB\s+KIND\s+STATUS\s+PROGRESS\s+RATE\s+DEVICES\s+ACCURACY\s+LOSS\s+PROJECT\s+STARTED$/,
    );
    expect(text.stdout).toMatch(
      new RegExp(`^${running}\\s+training\\s+running\\s+\\d+\\.\\d%\\s+[\\d.]+ samples/s\\s+1\\s`, 'm'),
    );

    expect((await suite.cli(['train', 'cancel', running])).code).toBe(0);
    const after = await suite.cli(['efficiency', 'active']);
    expect(after).toMatchObject({ code: 0, stdout: 'No active runs.\n' });
    const none = await conformJson<ActiveRuns>('getActiveRuns', await suite.cli(['efficiency', 'active', '--json']));
    expect(none.runs).toEqual([]);
  });

  it('fails with the API error for an unknown or foreign job, and with a 400 for a bad chart or instance type', async () => {
    const [unknown, foreign, tooLong, badChart, badType] = await Promise.all([
      suite.cli(['efficiency', 'job', 'train_doesnotexist']),
      suite.cli(['efficiency', 'job', jobId, '--json'], { env: { COMPUTEPLANE_API_KEY: suite.server.keyB } }),
      suite.cli(['efficiency', 'job', `train_${'x'.repeat(200)}`]),
      suite.cli(['efficiency', 'chart', 'latency']),
      suite.cli(['efficiency', 'summary', '--instance-type', 'gcp']),
    ]);
    expectApiError(unknown, 'NOT_FOUND');
    expectApiError(foreign, 'NOT_FOUND');
    // Another tenant's job does not exist for this key; --json prints the API's error body.
    expect(JSON.parse(foreign.stdout)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expectApiError(tooLong, 'VALIDATION_ERROR');
    // Enum values are the server's to check (docs/compatibility.md, "Enum flags"): its 400, exit 1.
    expectApiError(badChart, 'VALIDATION_ERROR');
    expect(badChart.stderr).toMatch(/path\.type: .*"tta"\|"scaling"\|"power"\|"throughput"/);
    expectApiError(badType, 'VALIDATION_ERROR');
    expect(badType.stderr).toMatch(/instance_type/);
  });
});
