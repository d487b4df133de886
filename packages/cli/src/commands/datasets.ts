/** `computeplane datasets upload|list|get|delete`: training data (CSV or JSONL). */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import {
  deleteDataset,
  getDataset,
  listDatasets,
  uploadDataset,
  type Dataset,
  type UploadDatasetInput,
} from '@computeplane/sdk/datasets';
import { action, type CommandContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { parseCount } from '../core/input.js';
import { formatBytes, startProgress } from '../core/progress.js';
import { withUploadProgress } from '../core/upload-progress.js';
import { notePage } from '../core/paging.js';

const FORMATS = ['csv', 'jsonl'];

export function registerDatasets(program: Command): void {
  const datasets = program.command('datasets').description('upload, list, inspect and delete training datasets');

  withExamples(
    datasets
      .command('upload')
      .description(
        'upload a CSV (header row) or JSONL dataset; numeric features and label (a progress bar for large files)',
      )
      .argument('<file>', 'the data file (.csv, .jsonl or .ndjson)')
      .option('--name <name>', 'dataset name (default: the file name without its extension)')
      .option('--label-column <column>', 'the column holding the label (default: label)')
      .option('--format <format>', 'csv or jsonl (default: from the file name, else the content)')
      .action(
        action<[string], { name?: string; labelColumn?: string; format?: string }>(async (ctx, file, flags) => {
          if (flags.format !== undefined && !FORMATS.includes(flags.format))
            throw new UsageError(`--format must be csv or jsonl, got "${flags.format}"`);
          const size = (await stat(file)).size;
          const input: UploadDatasetInput = { file };
          if (flags.name !== undefined) input.name = flags.name;
          if (flags.labelColumn !== undefined) input.label_column = flags.labelColumn;
          if (flags.format !== undefined) input.format = flags.format as Dataset['format'];
          const bar = startProgress(ctx.out, { label: 'Uploading', total: size, unit: 'bytes' });
          const client = withUploadProgress(ctx.client, (sent) => bar.update(Math.min(sent, size)));
          try {
            const dataset = await ctx.call(uploadDataset(client, input, { signal: ctx.signal }));
            bar.update(size);
            bar.stop();
            ctx.out.result(dataset, () => printDataset(ctx, dataset));
          } finally {
            bar.stop();
          }
        }),
      ),
    [
      'computeplane datasets upload ./iris.csv --name iris',
      'computeplane datasets upload readings.jsonl --label-column target --json',
    ],
  );

  withExamples(
    datasets
      .command('list')
      .description("list the tenant's datasets, newest first")
      .option('--limit <n>', 'datasets per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'datasets to skip', parseCount('--offset', { min: 0 }))
      .action(
        action<[], { limit?: number; offset?: number }>(async (ctx, flags) => {
          const query = { limit: flags.limit, offset: flags.offset };
          const page = await ctx.call(listDatasets(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(page, () => {
            ctx.out.table(
              page.datasets,
              [
                { header: 'ID', value: (d) => d.id },
                { header: 'NAME', value: (d) => d.name },
                { header: 'FORMAT', value: (d) => d.format },
                { header: 'ROWS', value: (d) => d.rows },
                { header: 'FEATURES', value: (d) => d.feature_count },
                { header: 'LABEL', value: (d) => labelSummary(d) },
                { header: 'SIZE', value: (d) => formatBytes(d.size) },
                { header: 'CREATED', value: (d) => d.created_at },
              ],
              { empty: 'No datasets yet. Upload one: computeplane datasets upload <file>' },
            );
            notePage(ctx.out, page.offset, page.datasets.length, page.total);
          });
        }),
      ),
    ['computeplane datasets list', 'computeplane datasets list --limit 10 --json'],
  );

  withExamples(
    datasets
      .command('get')
      .description('show a dataset: columns, rows and label statistics')
      .argument('<dataset>', 'dataset id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const dataset = await ctx.call(getDataset(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(dataset, () => printDataset(ctx, dataset));
        }),
      ),
    ['computeplane datasets get ds_k3v9x2m4q7r8'],
  );

  withExamples(
    datasets
      .command('delete')
      .alias('rm')
      .description('delete a dataset')
      .argument('<dataset>', 'dataset id')
      .action(
        action<[string], object>(async (ctx, id) => {
          await ctx.call(deleteDataset(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result({ id, deleted: true }, () => ctx.out.line(`Deleted dataset ${id}.`));
        }),
      ),
    ['computeplane datasets delete ds_k3v9x2m4q7r8'],
  );
}

const labelSummary = (d: Dataset): string =>
  d.label_type === 'class' ? `${d.label_column}: ${d.num_classes} classes` : `${d.label_column}: float`;

function printDataset(ctx: CommandContext, d: Dataset): void {
  ctx.out.fields([
    ['id', d.id],
    ['name', d.name],
    ['format', d.format],
    ['size', formatBytes(d.size)],
    ['checksum', d.checksum],
    ['rows', d.rows],
    ['features', `${d.feature_count} (${d.columns.join(', ')})`],
    ['label', `${d.label_column} (${d.label_type}${d.num_classes !== null ? `, ${d.num_classes} classes` : ''})`],
    ['label range', `${d.label_min} to ${d.label_max}`],
    ['created', d.created_at],
  ]);
}
