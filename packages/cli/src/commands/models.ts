/** `computeplane models upload|list|get|delete|schema`: the model store. */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  deleteModel,
  getModel,
  listModels,
  updateModelSchema,
  uploadModel,
  type Model,
  type UploadModelInput,
} from '@computeplane/sdk/models';
import { action, type CommandContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { parseCount, readJsonArgument } from '../core/input.js';
import { formatBytes, startProgress } from '../core/progress.js';
import { withUploadProgress } from '../core/upload-progress.js';
import { notePage } from '../core/paging.js';
import { registerModelsStage } from './models-stage.js';

export function registerModels(program: Command): void {
  const models = program.command('models').description('upload, list, inspect, delete and stage models');

  withExamples(
    models
      .command('upload')
      .description('upload an ONNX or TorchScript model (a progress bar for large files)')
      .argument('<file>', 'the model file')
      .option('--name <name>', 'model name (default: the file name)')
      .option('--format <format>', 'onnx or torchscript (default: from the file)')
      .option('--labels <labels>', 'class labels, comma-separated, or a JSON array / @file')
      .option('--preprocessing <adapter>', 'image_classification, tabular, text_tokens or passthrough')
      .option('--postprocessing <adapter>', 'top_k_labels, binary_classification, regression or passthrough')
      .option('--input-schema <json>', 'JSON Schema of the input, as JSON or @file')
      .option('--output-schema <json>', 'JSON Schema of the output, as JSON or @file')
      .action(
        action<[string], UploadFlags>(async (ctx, file, flags) => {
          const size = (await stat(file)).size;
          const input: UploadModelInput = { model: file, name: flags.name ?? basename(file) };
          if (flags.format) input.format = flags.format as UploadModelInput['format'];
          Object.assign(input, await schemaFields(flags));
          const bar = startProgress(ctx.out, { label: 'Uploading', total: size, unit: 'bytes' });
          const client = withUploadProgress(ctx.client, (sent) => bar.update(Math.min(sent, size)));
          try {
            const model = await ctx.call(uploadModel(client, input, { signal: ctx.signal }));
            bar.update(size);
            bar.stop();
            ctx.out.result(model, () => printModel(ctx, model));
          } finally {
            bar.stop();
          }
        }),
      ),
    [
      'computeplane models upload ./classifier.onnx --labels cat,dog --postprocessing top_k_labels',
      'computeplane models upload model.pt --format torchscript --json',
    ],
  );

  withExamples(
    models
      .command('list')
      .description("list the tenant's models, newest first")
      .option('--limit <n>', 'models per page (1-1000)', parseCount('--limit', { max: 1000 }))
      .option('--offset <n>', 'models to skip', parseCount('--offset', { min: 0 }))
      .option('--format <format>', 'only models of this format (onnx, torchscript)')
      .action(
        action<[], { limit?: number; offset?: number; format?: string }>(async (ctx, flags) => {
          const query = {
            limit: flags.limit,
            offset: flags.offset,
            format: flags.format as Model['format'] | undefined,
          };
          const page = await ctx.call(listModels(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(page, () => {
            ctx.out.table(
              page.models,
              [
                { header: 'ID', value: (m) => m.id },
                { header: 'NAME', value: (m) => m.name },
                { header: 'FORMAT', value: (m) => m.format },
                { header: 'SIZE', value: (m) => formatBytes(m.size) },
                { header: 'INPUTS', value: (m) => m.inputs.map((t) => `${t.name}[${t.shape.join(',')}]`).join(' ') },
                { header: 'UPLOADED', value: (m) => m.uploaded_at },
              ],
              { empty: 'No models yet. Upload one: computeplane models upload <file>' },
            );
            notePage(ctx.out, page.offset, page.models.length, page.total);
          });
        }),
      ),
    ['computeplane models list', 'computeplane models list --format onnx --limit 10 --json'],
  );

  withExamples(
    models
      .command('get')
      .description('show a model: tensors, schemas, labels and adapters')
      .argument('<model>', 'model id')
      .action(
        action<[string], object>(async (ctx, id) => {
          const model = await ctx.call(getModel(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(model, () => printModel(ctx, model));
        }),
      ),
    ['computeplane models get model_k3v9x2m4q7r8'],
  );

  withExamples(
    models
      .command('delete')
      .alias('rm')
      .description('delete a model')
      .argument('<model>', 'model id')
      .action(
        action<[string], object>(async (ctx, id) => {
          await ctx.call(deleteModel(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.done(`Deleted model ${id}.`);
        }),
      ),
    ['computeplane models delete model_k3v9x2m4q7r8'],
  );

  withExamples(
    models
      .command('schema')
      .description('show a model\'s schemas and labels, or change them (only the flags given change; "null" clears)')
      .argument('<model>', 'model id')
      .option('--input-schema <json>', 'JSON Schema of the input, as JSON or @file')
      .option('--output-schema <json>', 'JSON Schema of the output, as JSON or @file')
      .option('--labels <labels>', 'class labels, comma-separated, or a JSON array / @file')
      .option('--preprocessing <adapter>', 'image_classification, tabular, text_tokens, passthrough or null')
      .option('--postprocessing <adapter>', 'top_k_labels, binary_classification, regression, passthrough or null')
      .action(
        action<[string], SchemaFlags>(async (ctx, id, flags) => {
          const update = await schemaFields(flags);
          const model =
            Object.keys(update).length === 0
              ? await ctx.call(getModel(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }))
              : await ctx.call(
                  updateModelSchema(
                    ctx.client,
                    { params: { path: { id } }, body: update as never },
                    { signal: ctx.signal },
                  ),
                );
          ctx.out.result(model, () =>
            ctx.out.fields([
              ['input_schema', model.input_schema],
              ['output_schema', model.output_schema],
              ['labels', model.labels],
              ['preprocessing', model.preprocessing],
              ['postprocessing', model.postprocessing],
            ]),
          );
        }),
      ),
    [
      'computeplane models schema model_k3v9x2m4q7r8',
      'computeplane models schema model_k3v9x2m4q7r8 --labels cat,dog --input-schema @input.schema.json',
      'computeplane models schema model_k3v9x2m4q7r8 --labels null',
    ],
  );

  registerModelsStage(models);
}

interface SchemaFlags {
  inputSchema?: string;
  outputSchema?: string;
  labels?: string;
  preprocessing?: string;
  postprocessing?: string;
}
interface UploadFlags extends SchemaFlags {
  name?: string;
  format?: string;
}

/** The schema and adapter fields given as flags; `null` clears one (schema updates only). */
async function schemaFields(flags: SchemaFlags): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  const nullable = (value: string) => (value === 'null' ? null : value);
  if (flags.inputSchema !== undefined)
    fields.input_schema = await readJsonArgument(flags.inputSchema, '--input-schema');
  if (flags.outputSchema !== undefined)
    fields.output_schema = await readJsonArgument(flags.outputSchema, '--output-schema');
  if (flags.labels !== undefined) fields.labels = await parseLabels(flags.labels);
  if (flags.preprocessing !== undefined) fields.preprocessing = nullable(flags.preprocessing);
  if (flags.postprocessing !== undefined) fields.postprocessing = nullable(flags.postprocessing);
  return fields;
}

async function parseLabels(value: string): Promise<string[] | null> {
  if (value === 'null') return null;
  if (value.startsWith('[') || value.startsWith('@') || value === '-') {
    const labels = await readJsonArgument(value, '--labels');
    if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string'))
      throw new UsageError('--labels must be a JSON array of strings or a comma-separated list');
    return labels;
  }
  return value.split(',').map((label) => label.trim());
}

function printModel(ctx: CommandContext, model: Model): void {
  const tensors = (list: Model['inputs']) => list.map((t) => `${t.name} ${t.type}[${t.shape.join(', ')}]`).join('; ');
  ctx.out.fields([
    ['id', model.id],
    ['name', model.name],
    ['format', model.format],
    ['size', formatBytes(model.size)],
    ['checksum', model.checksum],
    ['executable', model.executable ? 'yes' : `no (${model.execution_note ?? 'not runnable here'})`],
    ['inputs', tensors(model.inputs)],
    ['outputs', tensors(model.outputs)],
    ['labels', model.labels],
    ['preprocessing', model.preprocessing],
    ['postprocessing', model.postprocessing],
    ['uploaded', model.uploaded_at],
  ]);
}
