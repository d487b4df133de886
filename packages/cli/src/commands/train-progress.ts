/**
 * What `computeplane train` shows while it follows a job. On a terminal (stderr): one block redrawn in place
 * with log-update (status, epoch, batches, a bar, loss and accuracy, and the held-out loss per epoch drawn
 * with asciichart). On a pipe: one line per finished epoch and per status change, on stderr. With --json:
 * nothing. The final summary (stdout) is printTrainingJob's.
 */
import type asciichartModule from 'asciichart';
import pc from 'picocolors';
import type { TrainingJob } from '@computeplane/sdk/training';
import type { CommandContext } from '../core/context.js';
import { colorEnabled } from '../core/output.js';
import { createLogUpdate, lazyRequire } from '../core/lazy-require.js';

export interface TrainingView {
  update(job: TrainingJob): void;
  /** Leaves the last frame on screen. */
  stop(): void;
}

const BAR_WIDTH = 30;

export function startTrainingView(ctx: CommandContext, stream: NodeJS.WriteStream = process.stderr): TrainingView {
  if (ctx.out.json) return { update() {}, stop() {} };
  const losses: number[] = [];
  let lastEpoch = -1;
  let lastStatus: string | undefined;
  const record = (job: TrainingJob): boolean => {
    const { current_epoch: epoch, current_loss: loss } = job.progress;
    if (epoch === lastEpoch || loss === null) return false;
    lastEpoch = epoch;
    losses.push(loss);
    return true;
  };

  if (stream.isTTY !== true) {
    return {
      update(job) {
        if (job.status !== lastStatus) ctx.out.note(`${job.job_id} ${job.status}`);
        lastStatus = job.status;
        if (record(job)) ctx.out.note(epochLine(job));
      },
      stop() {},
    };
  }

  const color = pc.createColors(colorEnabled(stream));
  const render = createLogUpdate(stream);
  let stopped = false;
  return {
    update(job) {
      if (stopped) return;
      record(job);
      render(frame(job, losses, color, stream.columns ?? 80));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      render.done();
    },
  };
}

/** `epoch 3/20  loss 0.4321 (best 0.4100)  accuracy 87.5% (best 88.0%)`. */
export function epochLine(job: TrainingJob): string {
  const p = job.progress;
  const parts = [`epoch ${p.current_epoch}/${p.total_epochs}`, `loss ${formatLoss(p.current_loss)}`];
  if (p.best_loss !== null) parts[1] += ` (best ${formatLoss(p.best_loss)})`;
  if (p.accuracy !== null)
    parts.push(
      `accuracy ${formatPercent(p.accuracy)}${p.best_accuracy !== null ? ` (best ${formatPercent(p.best_accuracy)})` : ''}`,
    );
  return parts.join('  ');
}

function frame(job: TrainingJob, losses: number[], color: ReturnType<typeof pc.createColors>, columns: number): string {
  const p = job.progress;
  const filled = Math.round((p.percent_complete / 100) * BAR_WIDTH);
  const bar = `[${color.green('#'.repeat(filled))}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const lines = [
    `${color.bold(`Training ${job.job_id}`)}  ${statusColor(job.status, color)}  ${bar} ${p.percent_complete.toFixed(1)}%  batches ${p.batches_completed}/${p.total_batches}`,
    epochLine(job),
  ];
  if (losses.length >= 2) {
    // One point per epoch; a long run keeps its most recent epochs that fit the terminal.
    const width = Math.max(10, columns - 14);
    const points = losses.slice(-width);
    lines.push(
      color.dim('held-out loss per epoch'),
      (lazyRequire('asciichart') as typeof asciichartModule).plot(points, {
        height: 8,
        format: (value) => formatLoss(value).padStart(10),
      }),
    );
  }
  return lines.join('\n');
}

function statusColor(status: TrainingJob['status'], color: ReturnType<typeof pc.createColors>): string {
  if (status === 'completed') return color.green(status);
  if (status === 'failed') return color.red(status);
  if (status === 'running') return color.cyan(status);
  return color.yellow(status);
}

export const formatLoss = (loss: number | null): string =>
  loss === null
    ? '-'
    : loss !== 0 && (Math.abs(loss) >= 1000 || Math.abs(loss) < 0.001)
      ? loss.toExponential(3)
      : loss.toFixed(4);
export const formatPercent = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
