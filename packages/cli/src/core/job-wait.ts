/**
 * Following a job of the shared jobs registry (a worker being provisioned, a model being staged) until it
 * ends. On a terminal: the stages as a list that updates in place (done ones ticked with their duration, the
 * running one with a spinner), or a byte bar for a staging job. On a pipe: one line per stage on stderr. With
 * --json: nothing. Returns the last job read; the caller decides what a failed job means.
 */
import pc from 'picocolors';
import { waitForJob, type Job } from '@computeplane/sdk/compute';
import type { CommandContext } from './context.js';
import { colorEnabled } from './output.js';
import { formatBytes, startProgress, type Progress } from './progress.js';
import { createLogUpdate } from './lazy-require.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** How often the job is read while waiting (ms); the env override is for tests and slow links. */
const pollInterval = (): number => Number(process.env.COMPUTEPLANE_POLL_INTERVAL_MS) || 500;

export interface JobDisplay {
  /** Called after every poll with the job. */
  update(job: Job): void;
  stop(): void;
}

export async function followJob(ctx: CommandContext, jobId: string, label: string): Promise<Job> {
  const display = jobDisplay(ctx, label);
  try {
    const job = await waitForJob(ctx.client, jobId, {
      intervalMs: pollInterval(),
      maxIntervalMs: Math.max(pollInterval(), 1_000),
      signal: ctx.signal,
      failOnError: false,
      onProgress: (current) => display.update(current),
    });
    display.update(job);
    return job;
  } finally {
    display.stop();
  }
}

function jobDisplay(ctx: CommandContext, label: string): JobDisplay {
  if (ctx.out.json) return { update() {}, stop() {} };
  return ctx.out.stderrIsTTY ? terminalDisplay(ctx, label) : pipeDisplay(ctx, label);
}

/** One line per stage as it starts (and one when it fails), then one when the job ends. */
function pipeDisplay(ctx: CommandContext, label: string): JobDisplay {
  const announced = new Set<string>();
  let finished = false;
  let staged = -1;
  return {
    update(job) {
      job.stages.forEach((stage, index) => {
        if (stage.status === 'pending' || announced.has(stage.name)) return;
        announced.add(stage.name);
        ctx.out.note(`[${index + 1}/${job.stages.length}] ${stage.name.replace(/_/g, ' ')}`);
      });
      const report = stagingReport(job);
      if (report && staged < 0) {
        staged = 0;
        ctx.out.note(`${label}: ${report.files.length} file(s)${totalText(report)}`);
      }
      if (!finished && isFinished(job)) {
        finished = true;
        ctx.out.note(`${label}: ${job.status}${job.error ? ` (${job.error})` : ''} after ${elapsed(job)}`);
      }
    },
    stop() {},
  };
}

/** A list of stages redrawn in place (log-update), or a byte bar (cli-progress) for a staging job. */
function terminalDisplay(ctx: CommandContext, label: string): JobDisplay {
  const log = createLogUpdate(process.stderr);
  const color = pc.createColors(colorEnabled(process.stderr));
  let frame = 0;
  let last: Job | undefined;
  let bar: Progress | undefined;
  const started = Date.now();
  const draw = () => {
    if (!last || bar) return;
    const spin = color.cyan(SPINNER[frame++ % SPINNER.length]!);
    const since = (from: string | null, to: string | null) =>
      from ? seconds((to ? Date.parse(to) : Date.now()) - Date.parse(from)) : '';
    const lines = last.stages.map((stage, index) => {
      const name = stage.name.replace(/_/g, ' ').padEnd(20);
      const step = color.dim(`${index + 1}/${last!.stages.length}`);
      if (stage.status === 'completed')
        return `${color.green('✔')} ${step} ${name} ${color.dim(since(stage.started_at, stage.finished_at))}`;
      if (stage.status === 'failed') return `${color.red('✖')} ${step} ${name} ${color.red('failed')}`;
      if (stage.status === 'running') return `${spin} ${step} ${name} ${since(stage.started_at, null)}`;
      return `${color.dim('·')} ${step} ${color.dim(name)}`;
    });
    if (lines.length === 0) lines.push(`${spin} ${last.status} ${seconds(Date.now() - started)}`);
    log([`${label}`, ...lines].join('\n'));
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    update(job) {
      last = job;
      const report = stagingReport(job);
      if (report && report.bytes_total !== null) {
        bar ??= startProgress(ctx.out, { label, total: report.bytes_total, unit: 'bytes' });
        bar.update(report.bytes_done, report.bytes_total, `${job.status}, ${report.files.length} file(s)`);
      }
      draw();
    },
    stop() {
      clearInterval(timer);
      bar?.stop();
      if (!bar) {
        draw();
        log.done();
      }
    },
  };
}

interface StagingReport {
  bytes_done: number;
  bytes_total: number | null;
  files: { path: string }[];
}

function stagingReport(job: Job): StagingReport | undefined {
  return job.kind === 'stage' && job.report && 'bytes_done' in job.report ? (job.report as StagingReport) : undefined;
}

const totalText = (report: StagingReport) =>
  report.bytes_total === null ? '' : `, ${formatBytes(report.bytes_total)}`;

export const isFinished = (job: Job): boolean => ['completed', 'failed', 'cancelled'].includes(job.status);

const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)}s`;

const elapsed = (job: Job): string => seconds(Date.parse(job.updated_at) - Date.parse(job.created_at));
