/**
 * `computeplane compute workers create|get|terminate`: a worker provisioned as one job (launch, boot, SSH,
 * install and start the runtime, register it as a peer), followed stage by stage with --wait.
 */
import type { Command } from 'commander';
import {
  getJob,
  provisionWorker,
  terminateComputeInstance,
  type Job,
  type WorkerReport,
  type WorkerRequest,
} from '@computeplane/sdk/compute';
import { action, type CommandContext } from '../../core/context.js';
import { CommandError, UsageError } from '../../core/errors.js';
import { withExamples } from '../../core/help.js';
import { collectPairs, parseCount } from '../../core/input.js';
import { followJob, isFinished } from '../../core/job-wait.js';
import { readFile } from 'node:fs/promises';

const PROVIDERS = ['local', 'vastai', 'lambda', 'tensordock', 'runpod'] as const;
type Provider = (typeof PROVIDERS)[number];

export function registerWorkers(compute: Command): void {
  const workers = compute
    .command('workers')
    .description('provision GPU workers that register themselves as peers, follow their jobs, terminate them');

  withExamples(
    workers
      .command('create')
      .description(
        'provision a worker on an offer (computeplane offers list): answers with the job at once, or with --wait ' +
          'follows its stages until the worker is a healthy peer',
      )
      .requiredOption('--offer <offer-id>', 'the offer to launch (its provider is the id prefix: local-…, vastai-…)')
      .option('--provider <provider>', `${PROVIDERS.join(', ')} (default: the offer's prefix)`)
      .option('--count <n>', 'instances to launch (one worker job provisions one)', parseCount('--count', { max: 1 }))
      .option('--start-script <script>', 'shell script run as root before the runtime is installed, or @file')
      .option(
        '--env <KEY=VALUE>',
        'environment for the runtime (repeatable; secrets, never returned)',
        collectPairs('--env'),
      )
      .option('--wait', 'follow the job until the worker is up (or failed)')
      .action(
        action<[], CreateFlags>(async (ctx, flags) => {
          const provider = providerOf(flags);
          const body: WorkerRequest = { spec: { offer_id: flags.offer } };
          if (flags.count !== undefined) body.spec.count = flags.count;
          if (flags.startScript !== undefined) body.spec.start_script = await scriptOf(flags.startScript);
          if (flags.env) body.env = flags.env;
          const accepted = await ctx.call(
            provisionWorker(ctx.client, { params: { query: { provider } }, body }, { signal: ctx.signal }),
          );
          if (!flags.wait) {
            ctx.out.result(accepted, () => {
              ctx.out.fields([
                ['job_id', accepted.job_id],
                ['instance_id', accepted.instance_id],
              ]);
              ctx.out.note(`Follow it: computeplane compute workers get ${accepted.job_id} --wait`);
            });
            return;
          }
          ctx.onInterrupt(
            () => ctx.call(terminateComputeInstance(ctx.client, { params: { path: { id: accepted.instance_id } } })),
            `worker job ${accepted.job_id} keeps provisioning instance ${accepted.instance_id}; ` +
              `follow it: computeplane compute workers get ${accepted.job_id} --wait; ` +
              `stop it: computeplane compute workers terminate ${accepted.instance_id}`,
          );
          ctx.out.note(`Provisioning worker ${accepted.job_id} on instance ${accepted.instance_id}`);
          const job = await followJob(ctx, accepted.job_id, `Worker ${accepted.job_id}`);
          showJob(ctx, job);
        }),
      ),
    [
      'computeplane compute workers create --offer local-cpu-small',
      'computeplane compute workers create --offer vastai-12345 --env COMPUTEPLANE_MAX_TASKS=2 --wait',
      'computeplane compute workers create --offer lambda-gpu_1x_a10 --start-script @setup.sh --wait --json',
    ],
  );

  withExamples(
    workers
      .command('get')
      .description('show a job of the jobs registry (a worker, staging or training job): stages, error, report')
      .argument('<job>', 'job id (wjob_…, sjob_…, train_…)')
      .option('--wait', 'follow the job until it ends')
      .action(
        action<[string], { wait?: boolean }>(async (ctx, id, flags) => {
          if (flags.wait)
            ctx.onInterrupt(null, `job ${id} keeps running; follow it: computeplane compute workers get ${id} --wait`);
          const job = flags.wait
            ? await followJob(ctx, id, `Job ${id}`)
            : await ctx.call(getJob(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          showJob(ctx, job, { failOnError: flags.wait === true });
        }),
      ),
    ['computeplane compute workers get wjob_k3v9x2m4q7r8', 'computeplane compute workers get wjob_k3v9x2m4q7r8 --wait'],
  );

  withExamples(
    workers
      .command('terminate')
      .description("destroy a worker's instance; its peers are removed and a job still provisioning it is cancelled")
      .argument('<instance>', 'instance id, as the worker job reported it')
      .action(
        action<[string], object>(async (ctx, id) => {
          await ctx.call(terminateComputeInstance(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.done(`Terminated instance ${id}.`);
        }),
      ),
    ['computeplane compute workers terminate local-k3v9x2m4'],
  );
}

interface CreateFlags {
  offer: string;
  provider?: string;
  count?: number;
  startScript?: string;
  env?: Record<string, string>;
  wait?: boolean;
}

function providerOf(flags: CreateFlags): Provider {
  const provider = flags.provider ?? /^([a-z]+)-/.exec(flags.offer)?.[1];
  if (provider === undefined)
    throw new UsageError(`--offer "${flags.offer}" names no provider (ids look like local-…); give --provider`);
  if (!(PROVIDERS as readonly string[]).includes(provider))
    throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}, got "${provider}"`);
  return provider as Provider;
}

async function scriptOf(value: string): Promise<string> {
  if (!value.startsWith('@')) return value;
  try {
    return await readFile(value.slice(1), 'utf8');
  } catch (error) {
    throw new UsageError(`--start-script: cannot read ${value.slice(1)} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/**
 * Prints a job (its JSON with --json); a job that ended without completing is a failure (exit 1) when the
 * command waited for it.
 */
export function showJob(ctx: CommandContext, job: Job, options: { failOnError?: boolean } = {}): void {
  ctx.out.result(job, () => printJob(ctx, job));
  if ((options.failOnError ?? true) && isFinished(job) && job.status !== 'completed')
    throw new CommandError(`job ${job.job_id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
}

function printJob(ctx: CommandContext, job: Job): void {
  ctx.out.fields([
    ['job_id', job.job_id],
    ['kind', job.kind],
    ['status', statusText(ctx, job.status)],
    ['stage', job.stage],
    ['error', job.error ?? undefined],
    ['created', job.created_at],
    ['updated', job.updated_at],
  ]);
  if (job.stages.length > 0) {
    ctx.out.line();
    ctx.out.table(job.stages, [
      { header: 'STAGE', value: (s) => s.name },
      { header: 'STATUS', value: (s) => statusText(ctx, s.status) },
      { header: 'STARTED', value: (s) => s.started_at },
      { header: 'FINISHED', value: (s) => s.finished_at },
    ]);
  }
  if (job.report && job.kind === 'worker') {
    const report = job.report as WorkerReport;
    ctx.out.line();
    ctx.out.fields([
      ['instance_id', report.instance_id],
      ['ip', report.ip],
      ['grpc_peer', report.grpc_peer],
      ['realtime_peer_url', report.realtime_peer_url],
      ['peer_id', report.peer_id],
    ]);
  } else if (job.report) {
    ctx.out.line();
    ctx.out.fields(Object.entries(job.report).filter(([key]) => key !== 'files'));
    const files = (job.report as { files?: { path: string; size: number | null; sha256: string | null }[] }).files;
    if (files && files.length > 0) {
      ctx.out.line();
      ctx.out.table(files, [
        { header: 'FILE', value: (f) => f.path },
        { header: 'SIZE', value: (f) => f.size },
        { header: 'SHA256', value: (f) => f.sha256 },
      ]);
    }
  }
}

function statusText(ctx: CommandContext, status: string): string {
  const { green, red, yellow } = ctx.out.color;
  if (status === 'completed') return green(status);
  if (status === 'failed' || status === 'cancelled') return red(status);
  if (status === 'running') return yellow(status);
  return status;
}
