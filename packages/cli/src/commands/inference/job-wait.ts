/**
 * Waiting for an inference job with a progress bar of processed/total tasks (on a terminal), then turning its
 * end into an exit: a failed or cancelled job is a CommandError (exit 1) once its results are written.
 */
import { pollUntil } from '@computeplane/sdk';
import { getInferenceJob, type InferenceJob } from '@computeplane/sdk/inference';
import type { CommandContext } from '../../core/context.js';
import { CommandError } from '../../core/errors.js';
import { startProgress } from '../../core/progress.js';

const FINISHED: InferenceJob['status'][] = ['completed', 'failed', 'cancelled'];

/** Polls the job (without results) until it is completed, failed or cancelled, moving the bar; returns it. */
export async function waitWithProgress(ctx: CommandContext, jobId: string, total: number): Promise<InferenceJob> {
  const bar = startProgress(ctx.out, { label: 'Running', total, unit: 'items' });
  try {
    return await pollUntil(
      () =>
        getInferenceJob(
          ctx.client,
          { params: { path: { jobId }, query: { results_limit: 0 } } },
          { signal: ctx.signal },
        ),
      (job) => {
        const { completed, failed, cancelled, total: all } = job.progress;
        bar.update(completed + failed + cancelled, all, failed > 0 ? `${job.status}, ${failed} failed` : job.status);
        return FINISHED.includes(job.status);
      },
      { intervalMs: 100, maxIntervalMs: 1_000, signal: ctx.signal },
    );
  } finally {
    bar.stop();
  }
}

/** Exit 1 for a job that did not complete; a note when some of a completed job's tasks failed. */
export function settle(ctx: CommandContext, job: InferenceJob): void {
  if (job.status === 'failed' || job.status === 'cancelled')
    throw new CommandError(`job ${job.job_id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
  if (job.progress.failed > 0)
    ctx.out.note(`${job.progress.failed} of ${job.progress.total} tasks failed (see their "error").`);
}
