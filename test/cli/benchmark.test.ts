/**
 * `computeplane benchmark quick|perf|get` as real processes against a real server (its minimum perf duration
 * lowered to 1 s) on a model uploaded with the CLI: a quick benchmark as a project, a short step-load benchmark
 * waited for (and detached, and interrupted), its steps as a table, and the errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { contractInferenceSettings } from '../contract/harness.js';
import { cliSuite, conformJson, expectApiError, expectUsageError } from './harness.js';

interface PerfJson {
  id: string;
  status: string;
  model_id: string;
  duration: number;
  rps_steps: number[];
  max_concurrency: number;
  instance_type: string;
  steps: { target_rps: number; sent: number; succeeded: number; failed: number }[];
  completed_at: string | null;
}

describe('computeplane benchmark', () => {
  const suite = cliSuite({
    settings: { inference: contractInferenceSettings, dashboard: { benchmarkMinDurationS: 1 } },
  });
  let modelId = '';

  beforeAll(async () => {
    const uploaded = await suite.cli(['models', 'upload', fixturePath('tiny-mlp.onnx'), '--name', 'iris', '--json']);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    modelId = (JSON.parse(uploaded.stdout) as { id: string }).id;
  });

  it('starts quick benchmarks as benchmark projects', async () => {
    const [json, human, training, badMode, mixed, tooMany, missing] = await Promise.all([
      suite.cli(['benchmark', 'quick', modelId, '--requests', '3', '--json']),
      suite.cli(['benchmark', 'quick', modelId, '--requests', '2']),
      suite.cli(['benchmark', 'quick', modelId, '--mode', 'training', '--epochs', '1', '--batch-size', '4', '--json']),
      suite.cli(['benchmark', 'quick', modelId, '--mode', 'weekly']),
      suite.cli(['benchmark', 'quick', modelId, '--epochs', '2']),
      suite.cli(['benchmark', 'quick', modelId, '--requests', '10001']),
      suite.cli(['benchmark', 'quick', 'model_missing1', '--requests', '1']),
    ]);
    const started = await conformJson<{ project_id: string; mode: string; job_id: string | null }>(
      'runBenchmark',
      json,
    );
    expect(started).toMatchObject({ mode: 'inference', status: 'running', job_id: null });
    const project = await conformJson<{ type: string; model_id: string }>(
      'getProject',
      await suite.cli(['projects', 'get', started.project_id, '--json']),
    );
    expect(project).toMatchObject({ type: 'benchmark', model_id: modelId });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^project\s+\S+$/m);
    expect(human.stdout).toMatch(/^mode\s+inference$/m);
    expect(human.stdout).toMatch(/^job\s+-$/m);
    expect(human.stderr).toMatch(/^Follow it with: computeplane dashboard \S+$/m);
    const trained = await conformJson<{ mode: string; job_id: string | null }>('runBenchmark', training);
    expect(trained.mode).toBe('training');
    expect(trained.job_id).toEqual(expect.any(String));
    expectUsageError(badMode, /argument 'weekly' is invalid/);
    expectUsageError(mixed, /--epochs and --batch-size apply to --mode training or gpu-training/);
    expectUsageError(tooMany, /--requests must be a whole number from 1 to 10000, got "10001"/);
    expectApiError(missing, 'NOT_FOUND');
  }, 60_000);

  it('runs a step-load benchmark, waits for it and shows its steps', async () => {
    const [waited, human] = await Promise.all([
      suite.cli([
        'benchmark',
        'perf',
        modelId,
        '--duration',
        '2',
        '--rps-steps',
        '2,4',
        '--max-concurrency',
        '2',
        '--instance-type',
        'aws',
        '--json',
      ]),
      suite.cli(['benchmark', 'perf', modelId, '--duration', '1', '--rps-steps', '3', '--max-concurrency', '1']),
    ]);
    const done = await conformJson<PerfJson>('runPerfBenchmark', waited);
    expect(done).toMatchObject({ status: 'completed', model_id: modelId, duration: 2, rps_steps: [2, 4] });
    expect(done.instance_type).toBe('aws');
    expect(done.steps.map((step) => step.target_rps)).toEqual([2, 4]);
    expect(done.steps.every((step) => step.sent > 0 && step.succeeded + step.failed <= step.sent)).toBe(true);
    expect(done.steps.reduce((sum, step) => sum + step.succeeded, 0)).toBeGreaterThan(0);
    expect(done.completed_at).toEqual(expect.any(String));
    expect(waited.stderr).toBe(''); // --json: no notes

    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/^Benchmark \S+ started: 1 step\(s\) over 1s/m);
    expect(human.stdout).toMatch(/^status\s+completed$/m);
    expect(human.stdout).toMatch(/^rps steps\s+3$/m);
    expect(human.stdout).toMatch(
      /^TARGET RPS\s+ACHIEVED RPS\s+SENT\s+OK\s+FAILED\s+DROPPED\s+P50 MS\s+P90 MS\s+P99 MS\s+MAX MS$/m,
    );
    expect(human.stdout).toMatch(/^3\s+\d+\.\d\d\s+\d+\s+\d+\s+\d+\s+\d+\s/m);

    // On a terminal: a bar of finished steps while it waits.
    const terminal = await suite.pty(['benchmark', 'perf', modelId, '--duration', '1', '--rps-steps', '2']);
    expect(terminal.code, terminal.transcript).toBe(0);
    expect(terminal.transcript).toMatch(/Benchmarking \[[#-]+\] 0% \| 0\/1 \| step at 2 rps/);
    expect(terminal.transcript).toMatch(/Benchmarking \[[#-]+\] 100% \| 1\/1 \| finishing/);

    const [got, gotHuman] = await Promise.all([
      suite.cli(['benchmark', 'get', done.id, '--json']),
      suite.cli(['benchmark', 'get', done.id]),
    ]);
    expect(await conformJson<PerfJson>('getPerfBenchmark', got)).toEqual(done);
    expect(gotHuman.stdout).toMatch(new RegExp(`^id\\s+${done.id}$`, 'm'));
    expect(gotHuman.stdout).toMatch(/^2\s+\d+\.\d\d\s/m);
    expect(gotHuman.stdout).toMatch(/^4\s+\d+\.\d\d\s/m);
  }, 60_000);

  it('detaches, leaves a benchmark running on Ctrl-C, and reports errors', async () => {
    const detached = await suite.cli([
      'benchmark',
      'perf',
      modelId,
      '--duration',
      '2',
      '--rps-steps',
      '1',
      '--detach',
      '--json',
    ]);
    const started = await conformJson<PerfJson>('runPerfBenchmark', detached);
    expect(started).toMatchObject({ status: 'running', steps: [], completed_at: null, max_concurrency: 5 });

    const waiting = suite.start(['benchmark', 'perf', modelId, '--duration', '3', '--rps-steps', '1']);
    await waiting.waitFor(/^Benchmark \S+ started/m);
    waiting.child.kill('SIGINT');
    const interrupted = await waiting.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const id = /^Benchmark (\S+) started/m.exec(interrupted.stderr)![1]!;
    expect(interrupted.stderr).toContain(
      `Interrupted; benchmark ${id} goes on; check it with: computeplane benchmark get ${id}`,
    );
    const stillThere = await conformJson<PerfJson>(
      'getPerfBenchmark',
      await suite.cli(['benchmark', 'get', id, '--json']),
    );
    expect(stillThere.id).toBe(id);

    const [unknownModel, unknownId, shortRun, badSteps, badConcurrency, noDevices] = await Promise.all([
      suite.cli(['benchmark', 'perf', 'model_missing1', '--duration', '1']),
      suite.cli(['benchmark', 'get', 'bench_missing']),
      suite.cli(['benchmark', 'perf', modelId, '--duration', '0']),
      suite.cli(['benchmark', 'perf', modelId, '--rps-steps', '2,x']),
      suite.cli(['benchmark', 'perf', modelId, '--max-concurrency', '300']),
      suite.cli(['benchmark', 'perf', modelId, '--duration', '1', '--instance-type', 'user']),
    ]);
    expectApiError(unknownModel, 'NOT_FOUND');
    expectApiError(unknownId, 'NOT_FOUND');
    expectUsageError(shortRun, /--duration must be a whole number from 1 to 3600, got "0"/);
    expectUsageError(badSteps, /--rps-steps takes 1 to 50 comma-separated whole numbers from 1 to 1000, got "2,x"/);
    expectUsageError(badConcurrency, /--max-concurrency must be a whole number from 1 to 256/);
    expectApiError(noDevices, 'NO_DEVICES');
  }, 60_000);

  it('with --detach in human form: the benchmark as it started, no steps yet', async () => {
    const result = await suite.cli(['benchmark', 'perf', modelId, '--duration', '1', '--rps-steps', '1', '--detach']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^status\s+running$/m);
    expect(result.stdout).toMatch(/^No step has finished yet\.$/m);
  });
});
