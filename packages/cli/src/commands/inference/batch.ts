/**
 * `computeplane batch <model> <file>`, `batch wait <job>`, `batch results <job>`: a model over every row of a
 * CSV or JSONL file as one batch job (the most compact request the model accepts), a progress bar while it
 * runs, then the results in input order as JSONL or CSV. Ctrl-C leaves the job running (resume with `batch
 * wait`) unless --cancel-on-interrupt.
 */
import type { Command } from 'commander';
import {
  cancelInferenceJob,
  getInferenceJob,
  submitBatchInference,
  type InferenceOptions,
} from '@computeplane/sdk/inference';
import { getModel } from '@computeplane/sdk/models';
import { action, type CommandContext } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { withExamples } from '../../core/help.js';
import { parseCount } from '../../core/input.js';
import { planBatch, readBatchRows } from './batch-input.js';
import { fetchResults, resultFormat, writeResults, type ResultSelection } from './batch-output.js';
import { settle, waitWithProgress } from './job-wait.js';

interface OutputFlags {
  output?: string;
  format?: string;
}
interface BatchFlags extends OutputFlags {
  columns?: string;
  exclude?: string;
  name?: string;
  topK?: number;
  preferGpu?: boolean;
  wait: boolean;
}

const names = (value: string) => value.split(',').map((name) => name.trim());

export function registerBatch(program: Command): void {
  const batch = program
    .command('batch')
    .description('run a model over every row of a CSV or JSONL file as one batch job, and print the results')
    .argument('<model>', 'model id')
    .argument('<file>', 'rows: .csv (header row of feature names, or numbers only) or .jsonl (one input per line)')
    .option('-o, --output <file>', 'write the results to this file (CSV when it ends in .csv) instead of stdout')
    .option('--format <format>', 'jsonl or csv (default: from --output, else jsonl)')
    .option('--columns <names>', 'only these columns, in this order (comma-separated header names)')
    .option('--exclude <names>', 'every column but these (e.g. --exclude label)')
    .option('--name <name>', 'job name')
    .option('--top-k <n>', 'entries in each top_k list (top_k_labels models)', parseCount('--top-k', { max: 1000 }))
    .option('--prefer-gpu', 'run on a GPU device of the tenant when one has room')
    .option('--no-wait', 'submit, print the job id and return (pick it up with `batch wait`)')
    .action(
      action<[string, string], BatchFlags>(async (ctx, modelId, file, flags) => {
        const format = resultFormat(flags);
        const rows = await readBatchRows(file, {
          ...(flags.columns ? { columns: names(flags.columns) } : {}),
          ...(flags.exclude ? { exclude: names(flags.exclude) } : {}),
        });
        const model = await ctx.call(
          getModel(ctx.client, { params: { path: { id: modelId } } }, { signal: ctx.signal }),
        );
        const { body, form } = planBatch(model, rows);
        const options: InferenceOptions = {};
        if (flags.topK !== undefined) options.top_k = flags.topK;
        if (flags.preferGpu) options.prefer_gpu = true;
        const accepted = await ctx.call(
          submitBatchInference(
            ctx.client,
            {
              body: {
                model_id: model.id,
                ...body,
                ...(flags.name ? { name: flags.name } : {}),
                ...(Object.keys(options).length > 0 ? { options } : {}),
              },
            },
            { signal: ctx.signal },
          ),
        );
        const jobId = accepted.job_id;
        if (!flags.wait) {
          ctx.out.result(accepted, () =>
            ctx.out.line(
              `Submitted batch job ${jobId} (${accepted.total_tasks} rows). Wait: computeplane batch wait ${jobId}`,
            ),
          );
          return;
        }
        ctx.out.note(`Batch job ${jobId}: ${accepted.total_tasks} rows as ${form}.`);
        ctx.onInterrupt(
          () => ctx.call(cancelInferenceJob(ctx.client, { params: { path: { jobId } } })),
          `batch job ${jobId} keeps running; resume with: computeplane batch wait ${jobId}`,
        );
        await finish(ctx, jobId, accepted.total_tasks, { ...flags, format });
      }),
    );
  withExamples(batch, [
    'computeplane batch model_k3v9x2m4q7r8 iris.csv --exclude label',
    'computeplane batch model_k3v9x2m4q7r8 rows.jsonl --output scores.csv',
    'computeplane batch model_k3v9x2m4q7r8 big.csv --no-wait',
  ]);

  withExamples(
    batch
      .command('wait')
      .description('wait for a batch job (a progress bar on a terminal), then print its results like `batch`')
      .argument('<job>', 'batch job id')
      .option('-o, --output <file>', 'write the results to this file (CSV when it ends in .csv) instead of stdout')
      .option('--format <format>', 'jsonl or csv (default: from --output, else jsonl)')
      .action(
        action<[string], OutputFlags>(async (ctx, jobId, flags) => {
          const merged = { ...batch.opts<OutputFlags>(), ...defined(flags) };
          await finish(ctx, jobId, 0, { ...merged, format: resultFormat(merged) });
        }),
      ),
    ['computeplane batch wait batch_k3v9x2m4q7r8m2n4', 'computeplane batch wait batch_k3v9x2m4q7r8m2n4 -o scores.csv'],
  );

  withExamples(
    batch
      .command('results')
      .description("print a batch job's results so far, in input order (--json: one page as the API returns it)")
      .argument('<job>', 'batch job id')
      .option('-o, --output <file>', 'write the results to this file (CSV when it ends in .csv) instead of stdout')
      .option('--format <format>', 'jsonl or csv (default: from --output, else jsonl)')
      .option('--offset <n>', 'skip this many results', parseCount('--offset', { min: 0 }))
      .option('--limit <n>', 'at most this many results (--json: the page size, at most 10000)', parseCount('--limit'))
      .action(
        action<[string], OutputFlags & ResultSelection>(async (ctx, jobId, flags) => {
          const merged = { ...batch.opts<OutputFlags>(), ...defined(flags) };
          const format = resultFormat(merged);
          if (ctx.settings.json) {
            if ((flags.limit ?? 0) > 10_000)
              throw new UsageError('--limit: one page with --json holds at most 10000 results; page with --offset');
            const page = await ctx.call(getInferenceJobPage(ctx, jobId, flags.offset ?? 0, flags.limit ?? 1000));
            ctx.out.result(page);
            return;
          }
          const results = await fetchResults(ctx.client, jobId, flags, ctx.signal);
          await writeResults(results, format, merged.output);
          if (merged.output) ctx.out.note(`Wrote ${results.length} results to ${merged.output}.`);
        }),
      ),
    [
      'computeplane batch results batch_k3v9x2m4q7r8m2n4 > results.jsonl',
      'computeplane batch results batch_k3v9x2m4q7r8m2n4 --offset 1000 --limit 100 --json',
    ],
  );
}

/** Waits with the bar, writes every result, and exits 1 when the job failed or was cancelled. */
async function finish(
  ctx: CommandContext,
  jobId: string,
  total: number,
  flags: { output?: string; format: 'jsonl' | 'csv' },
): Promise<void> {
  const job = await waitWithProgress(ctx, jobId, total);
  if (job.type !== 'batch' && job.status === 'completed') {
    ctx.out.result(job);
    return;
  }
  const results = ctx.settings.json && !flags.output ? [] : await fetchResults(ctx.client, jobId, {}, ctx.signal);
  if (ctx.settings.json) ctx.out.result(job);
  if (!ctx.settings.json || flags.output) await writeResults(results, flags.format, flags.output);
  if (flags.output) ctx.out.note(`Wrote ${results.length} results to ${flags.output}.`);
  settle(ctx, job);
}

function getInferenceJobPage(ctx: CommandContext, jobId: string, offset: number, limit: number) {
  return getInferenceJob(
    ctx.client,
    { params: { path: { jobId }, query: { results_offset: offset, results_limit: limit } } },
    { signal: ctx.signal },
  );
}

const defined = <T extends object>(flags: T): Partial<T> =>
  Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as Partial<T>;
