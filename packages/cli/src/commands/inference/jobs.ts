/** `computeplane jobs get|cancel <job>`: an inference job (async `infer_…` or batch `batch_…`), shown or cancelled. */
import type { Command } from 'commander';
import { cancelInferenceJob, getInferenceJob, type InferenceJob } from '@computeplane/sdk/inference';
import { action, type CommandContext } from '../../core/context.js';
import { withExamples } from '../../core/help.js';

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('show or cancel an inference job (async or batch)');

  withExamples(
    jobs
      .command('get')
      .description("show a job's status, progress and timing (the first results page with --json)")
      .argument('<job>', 'job id (infer_… or batch_…)')
      .action(
        action<[string], object>(async (ctx, jobId) => {
          const job = await ctx.call(
            getInferenceJob(ctx.client, { params: { path: { jobId } } }, { signal: ctx.signal }),
          );
          ctx.out.result(job, () => printJob(ctx, job));
        }),
      ),
    ['computeplane jobs get batch_k3v9x2m4q7r8m2n4', 'computeplane jobs get infer_k3v9x2m4q7r8m2n4 --json'],
  );

  withExamples(
    jobs
      .command('cancel')
      .description('cancel a queued or running job: unfinished tasks stop, later results are discarded')
      .argument('<job>', 'job id (infer_… or batch_…)')
      .action(
        action<[string], object>(async (ctx, jobId) => {
          const job = await ctx.call(
            cancelInferenceJob(ctx.client, { params: { path: { jobId } } }, { signal: ctx.signal }),
          );
          ctx.out.result(job, () =>
            ctx.out.line(
              `Cancelled job ${job.job_id}: ${job.progress.completed} of ${job.progress.total} tasks had completed, ${job.progress.cancelled} cancelled.`,
            ),
          );
        }),
      ),
    ['computeplane jobs cancel batch_k3v9x2m4q7r8m2n4'],
  );
}

function printJob(ctx: CommandContext, job: InferenceJob): void {
  const { total, completed, failed, cancelled, percent } = job.progress;
  ctx.out.fields([
    ['id', job.job_id],
    ['type', job.type],
    ['model', job.model_id],
    ['name', job.name ?? undefined],
    ['status', job.status],
    ['progress', `${completed}/${total} completed (${percent}%), ${failed} failed, ${cancelled} cancelled`],
    ['error', job.error ?? undefined],
    ['created', job.created_at],
    ['started', job.started_at],
    ['completed', job.completed_at],
    ['result', job.type === 'single' ? job.result : undefined],
  ]);
  if (job.type === 'batch' && job.status !== 'queued')
    ctx.out.note(`Results: computeplane batch results ${job.job_id}`);
}
