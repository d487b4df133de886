/**
 * `computeplane benchmark quick|perf|get`: benchmarks of a model. `quick` starts a quick benchmark (a
 * `benchmark` project; follow it with `dashboard`); `perf` starts a step-load benchmark and waits for it
 * (step progress on a terminal; `--detach` answers at once; Ctrl-C leaves it running, exit 130); `get` shows
 * one with its per-step results.
 */
import { Option, type Command } from 'commander';
import { pollUntil } from '@computeplane/sdk';
import {
  getPerfBenchmark,
  runBenchmark,
  runPerfBenchmark,
  type BenchmarkRequest,
  type PerfBenchmark,
  type PerfBenchmarkRequest,
} from '@computeplane/sdk/dashboard';
import { action, type CommandContext } from '../core/context.js';
import { CommandError, UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';
import { startProgress } from '../core/progress.js';

export function registerBenchmark(program: Command): void {
  const benchmark = program.command('benchmark').description('benchmark a model: quick runs and step-load perf runs');

  withExamples(
    benchmark
      .command('quick')
      .description('start a quick benchmark of a model as a benchmark project (follow it with `dashboard`)')
      .argument('<model>', 'model id')
      .addOption(
        new Option('--mode <mode>', 'what to benchmark (default inference)').choices([
          'inference',
          'training',
          'gpu-training',
        ]),
      )
      .option(
        '--requests <n>',
        'sync requests (inference; 1-10000, default 100)',
        parseCount('--requests', { max: 10_000 }),
      )
      .option(
        '--epochs <n>',
        'training epochs (training modes; 1-100, default 2)',
        parseCount('--epochs', { max: 100 }),
      )
      .option(
        '--batch-size <n>',
        'batch size (training modes; 1-4096, default 32)',
        parseCount('--batch-size', { max: 4096 }),
      )
      .action(
        action<[string], QuickFlags>(async (ctx, model, flags) => {
          const mode = (flags.mode ?? 'inference') as BenchmarkRequest['mode'];
          if (mode === 'inference' && (flags.epochs !== undefined || flags.batchSize !== undefined))
            throw new UsageError('--epochs and --batch-size apply to --mode training or gpu-training');
          if (mode !== 'inference' && flags.requests !== undefined)
            throw new UsageError('--requests applies to --mode inference');
          const body: BenchmarkRequest = { mode, model_id: model };
          if (flags.requests !== undefined) body.requests = flags.requests;
          if (flags.epochs !== undefined) body.epochs = flags.epochs;
          if (flags.batchSize !== undefined) body.batch_size = flags.batchSize;
          const started = await ctx.call(runBenchmark(ctx.client, { body }, { signal: ctx.signal }));
          ctx.out.result(started, () => {
            ctx.out.fields([
              ['project', started.project_id],
              ['mode', started.mode],
              ['status', started.status],
              ['job', started.job_id],
            ]);
            ctx.out.note(`Follow it with: computeplane dashboard ${started.project_id}`);
          });
        }),
      ),
    [
      'computeplane benchmark quick model_k3v9x2m4q7r8 --requests 200',
      'computeplane benchmark quick model_k3v9x2m4q7r8 --mode training --epochs 3 --batch-size 64 --json',
    ],
  );

  withExamples(
    benchmark
      .command('perf')
      .description('run a step-load performance benchmark and wait for its results (progress on a terminal)')
      .argument('<model>', 'model id')
      .option(
        '--duration <seconds>',
        "total seconds, split evenly over the steps (default 60, the server's minimum unless configured)",
        parseCount('--duration', { max: 3600 }),
      )
      .option('--rps-steps <list>', 'target requests per second of each step, comma-separated (e.g. 2,4,8)', parseSteps)
      .option(
        '--max-concurrency <n>',
        'requests running at once (1-256, default 5)',
        parseCount('--max-concurrency', { max: 256 }),
      )
      .addOption(
        new Option('--instance-type <type>', 'where requests run: aws (server), user (devices), all (default)').choices(
          ['aws', 'user', 'all'],
        ),
      )
      .option('--detach', 'answer once the benchmark started, with its id')
      .action(
        action<[string], PerfFlags>(async (ctx, model, flags) => {
          const body: PerfBenchmarkRequest = { model_id: model, duration: flags.duration ?? 60 };
          if (flags.rpsSteps) body.rps_steps = flags.rpsSteps;
          if (flags.maxConcurrency !== undefined) body.max_concurrency = flags.maxConcurrency;
          if (flags.instanceType) body.instance_type = flags.instanceType as PerfBenchmarkRequest['instance_type'];
          const started = await ctx.call(runPerfBenchmark(ctx.client, { body }, { signal: ctx.signal }));
          if (flags.detach || started.status !== 'running') {
            ctx.out.result(started, () => printPerf(ctx, started));
            if (!flags.detach) failIfFailed(started);
            return;
          }
          const result = await waitForBenchmark(ctx, started);
          ctx.out.result(result, () => printPerf(ctx, result));
          failIfFailed(result);
        }),
      ),
    [
      'computeplane benchmark perf model_k3v9x2m4q7r8 --duration 120 --rps-steps 5,10,20 --max-concurrency 8',
      'computeplane benchmark perf model_k3v9x2m4q7r8 --instance-type aws --detach --json',
    ],
  );

  withExamples(
    benchmark
      .command('get')
      .description('show a performance benchmark: status and the results of each finished step')
      .argument('<benchmark>', 'benchmark id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const found = await ctx.call(
            getPerfBenchmark(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
          );
          ctx.out.result(found, () => printPerf(ctx, found));
        }),
      ),
    ['computeplane benchmark get bench_k3v9x2m4q7r8', 'computeplane benchmark get bench_k3v9x2m4q7r8 --json'],
  );
}

interface QuickFlags {
  mode?: string;
  requests?: number;
  epochs?: number;
  batchSize?: number;
}
interface PerfFlags {
  duration?: number;
  rpsSteps?: number[];
  maxConcurrency?: number;
  instanceType?: string;
  detach?: boolean;
}

/** `--rps-steps 2,4,8`: 1 to 50 whole numbers from 1 to 1000. */
function parseSteps(value: string): number[] {
  const steps = value.split(',').map((item) => Number(item.trim()));
  if (steps.length > 50 || steps.some((step) => !Number.isInteger(step) || step < 1 || step > 1000))
    throw new UsageError(`--rps-steps takes 1 to 50 comma-separated whole numbers from 1 to 1000, got "${value}"`);
  return steps;
}

/** Polls until the benchmark ends: a bar of finished steps on a terminal, one note line otherwise. */
async function waitForBenchmark(ctx: CommandContext, started: PerfBenchmark): Promise<PerfBenchmark> {
  const { id } = started;
  ctx.onInterrupt(null, `benchmark ${id} goes on; check it with: computeplane benchmark get ${id}`);
  const total = started.rps_steps.length;
  ctx.out.note(`Benchmark ${id} started: ${total} step(s) over ${started.duration}s (up to 10s more).`);
  const bar = startProgress(ctx.out, { label: 'Benchmarking', total });
  const show = (current: PerfBenchmark) => {
    const next = current.rps_steps[current.steps.length];
    bar.update(current.steps.length, undefined, next === undefined ? 'finishing' : `step at ${next} rps`);
  };
  show(started);
  try {
    return await pollUntil(
      () => getPerfBenchmark(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }),
      (current) => {
        show(current);
        return current.status !== 'running';
      },
      { signal: ctx.signal, intervalMs: 500, maxIntervalMs: 2_000 },
    );
  } finally {
    bar.stop();
  }
}

function failIfFailed(benchmark: PerfBenchmark): void {
  if (benchmark.status === 'failed')
    throw new CommandError(`benchmark ${benchmark.id} failed: ${benchmark.error ?? 'no reason given'}`);
}

const ms = (value: number | null) => (value === null ? null : value.toFixed(1));

function printPerf(ctx: CommandContext, benchmark: PerfBenchmark): void {
  ctx.out.fields([
    ['id', benchmark.id],
    ['status', benchmark.status],
    ['model', benchmark.model_id],
    ['instance type', benchmark.instance_type],
    ['duration', `${benchmark.duration}s`],
    ['rps steps', benchmark.rps_steps],
    ['max concurrency', benchmark.max_concurrency],
    ['created', benchmark.created_at],
    ['completed', benchmark.completed_at],
    ['error', benchmark.error ?? undefined],
  ]);
  ctx.out.line();
  ctx.out.table(
    benchmark.steps,
    [
      { header: 'TARGET RPS', value: (s) => s.target_rps },
      { header: 'ACHIEVED RPS', value: (s) => s.achieved_rps.toFixed(2) },
      { header: 'SENT', value: (s) => s.sent },
      { header: 'OK', value: (s) => s.succeeded },
      { header: 'FAILED', value: (s) => s.failed },
      { header: 'DROPPED', value: (s) => s.dropped },
      { header: 'P50 MS', value: (s) => ms(s.latency_ms.p50) },
      { header: 'P90 MS', value: (s) => ms(s.latency_ms.p90) },
      { header: 'P99 MS', value: (s) => ms(s.latency_ms.p99) },
      { header: 'MAX MS', value: (s) => ms(s.latency_ms.max) },
    ],
    { empty: 'No step has finished yet.' },
  );
}
