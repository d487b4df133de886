/**
 * `computeplane infer <model> --input JSON|@file|-`: one synchronous inference; prints the result (labels and
 * scores, predictions or tensors, readably) and the latency: the round trip measured here and the server's
 * own `latency_ms`.
 */
import type { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import {
  isInferenceResult,
  runInference,
  type InferenceOptions,
  type InferenceRequest,
} from '@computeplane/sdk/inference';
import { action, type CommandContext } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { withExamples } from '../../core/help.js';
import { parseCount, readJsonArgument } from '../../core/input.js';

interface InferFlags {
  input?: string;
  inputs?: string;
  topK?: number;
  preferGpu?: boolean;
  requireGpu?: boolean;
}

export function registerInfer(program: Command): void {
  withExamples(
    program
      .command('infer')
      .description('run a model once on one input and print the result and the latency')
      .argument('<model>', 'model id')
      .option(
        '--input <json>',
        'the input, as JSON, @file or - (stdin): {"data": [...], "shape": [...]} or the adapter\'s format',
      )
      .option('--inputs <json>', 'named tensors of a multi-input model: {"a": {"data": [...], "shape": [...]}, ...}')
      .option('--top-k <n>', 'entries in each top_k list (top_k_labels models)', parseCount('--top-k', { max: 1000 }))
      .option('--prefer-gpu', 'run on a GPU device of the tenant when one has room')
      .option('--require-gpu', 'run only on a GPU device of the tenant')
      .action(
        action<[string], InferFlags>(async (ctx, modelId, flags) => {
          if ((flags.input === undefined) === (flags.inputs === undefined))
            throw new UsageError('give the input with --input JSON|@file|- (or --inputs for named tensors), not both');
          const body: InferenceRequest = { model_id: modelId };
          if (flags.input !== undefined) body.input = (await readJsonArgument(flags.input, '--input')) as never;
          if (flags.inputs !== undefined) {
            const inputs = await readJsonArgument(flags.inputs, '--inputs');
            if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))
              throw new UsageError('--inputs must be a JSON object of tensors by input name');
            body.inputs = inputs as InferenceRequest['inputs'];
          }
          const options: InferenceOptions = {};
          if (flags.topK !== undefined) options.top_k = flags.topK;
          if (flags.preferGpu) options.prefer_gpu = true;
          if (flags.requireGpu) options.require_gpu = true;
          if (Object.keys(options).length > 0) body.options = options;
          const started = performance.now();
          const answer = await ctx.call(runInference(ctx.client, { body }, { signal: ctx.signal }));
          const roundTrip = performance.now() - started;
          ctx.out.result(answer, () => {
            if (!isInferenceResult(answer)) {
              ctx.out.line(`Queued as job ${answer.job_id}: computeplane jobs get ${answer.job_id}`);
              return;
            }
            printOutput(ctx, answer.result);
            ctx.out.line();
            ctx.out.fields([
              ['latency', `${ms(roundTrip)} round trip, ${ms(answer.latency_ms)} on the server`],
              ['device', answer.device_id],
              ['job', answer.job_id],
            ]);
          });
        }),
      ),
    [
      'computeplane infer model_k3v9x2m4q7r8 --input \'{"data": [5.1, 3.5, 1.4, 0.2], "shape": [1, 4]}\'',
      'computeplane infer model_k3v9x2m4q7r8 --input @input.json --top-k 3',
      'computeplane infer model_k3v9x2m4q7r8 --inputs \'{"a": {"data": [1, 2], "shape": [1, 2]}, "b": {"data": [3, 4], "shape": [1, 2]}}\'',
      'echo \'{"features": [5.1, 3.5, 1.4, 0.2]}\' | computeplane infer model_k3v9x2m4q7r8 --input - --json',
    ],
  );
}

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const number = (value: unknown) =>
  typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)).toString() : String(value);

/** An inference output for people: predictions as a table, tensors as rows of numbers, anything else as JSON. */
export function printOutput(ctx: CommandContext, result: unknown): void {
  const record = (result ?? {}) as Record<string, unknown>;
  if (Array.isArray(record.predictions)) {
    const predictions = record.predictions as unknown[];
    if (predictions.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p))) {
      const rows = predictions as { label?: unknown; score?: unknown; positive?: unknown; top_k?: unknown }[];
      ctx.out.table(rows, [
        { header: 'ROW', value: (row) => rows.indexOf(row) },
        { header: 'LABEL', value: (row) => row.label },
        { header: 'SCORE', value: (row) => number(row.score) },
        ...(rows.some((row) => row.positive !== undefined)
          ? [{ header: 'POSITIVE', value: (row: (typeof rows)[number]) => row.positive }]
          : []),
        ...(rows.some((row) => Array.isArray(row.top_k))
          ? [
              {
                header: 'TOP K',
                value: (row: (typeof rows)[number]) =>
                  ((row.top_k ?? []) as { label: unknown; score: unknown }[])
                    .map((entry) => `${String(entry.label)} ${number(entry.score)}`)
                    .join(', '),
              },
            ]
          : []),
      ]);
      return;
    }
    predictions.forEach((prediction, i) =>
      ctx.out.fields([
        [`prediction ${i}`, Array.isArray(prediction) ? prediction.map(number).join(' ') : number(prediction)],
      ]),
    );
    return;
  }
  if (isTensor(record)) {
    printTensor(ctx, 'output', record);
    return;
  }
  if (record.outputs && typeof record.outputs === 'object') {
    for (const [name, tensor] of Object.entries(record.outputs as Record<string, unknown>))
      if (isTensor(tensor)) printTensor(ctx, name, tensor);
      else ctx.out.fields([[name, tensor]]);
    return;
  }
  ctx.out.line(JSON.stringify(result, null, 2));
}

function isTensor(value: unknown): value is { data: unknown[]; shape: number[] } {
  const record = value as { data?: unknown; shape?: unknown } | null;
  return typeof record === 'object' && record !== null && Array.isArray(record.data) && Array.isArray(record.shape);
}

/** `name [shape]` then one line per row of the last dimension. */
function printTensor(ctx: CommandContext, name: string, tensor: { data: unknown[]; shape: number[] }): void {
  ctx.out.line(`${ctx.out.color.bold(name)} [${tensor.shape.join(', ')}]`);
  const width = Math.max(1, tensor.shape.at(-1) ?? tensor.data.length);
  for (let i = 0; i < tensor.data.length; i += width)
    ctx.out.line(
      `  ${tensor.data
        .slice(i, i + width)
        .map(number)
        .join('  ')}`,
    );
  if (tensor.data.length === 0) ctx.out.line('  (empty)');
}
