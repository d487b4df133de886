/**
 * Stacked batches (`stacked_input` / `stacked_inputs` of submitBatchInference, and `inputs` batches of one
 * row per item): the tasks are the rows of one tensor per model input, checked once as tensors and run as
 * row ranges, without ever becoming one JSON object per task, which is what makes them several times faster
 * than per-item work. Task `i` is row `i`; its result is what `{data: <row i>, shape: [1, ...]}` as an item
 * of `inputs` would give. How they are stored is stacked-storage.ts.
 */
import type { TensorInfo } from '../../../platform/db/schema.js';
import type { EngineLike } from '../engine/inference-engine.js';
import { stack, type Feeds, type TensorData } from '../engine/tensors.js';
import type { ModelRow } from '../../models/module.js';
import { rowsOf, tensorFor } from './build-feeds.js';
import { inLanes, submitYielding } from './batch-scheduling.js';
import { InputProblem } from './input-problem.js';
import { checkSymbolicDims, describeSignature, whyRowsAreNotTasks } from './model-signature.js';
import type { ExecutableModel } from './model-lookup.js';
import { nonFiniteProblem, NonFiniteResultError, taskErrorOf } from './finite-results.js';
import { postprocess, resultOutputs } from './postprocess.js';
import type { ItemOptions, ItemsOutcome } from './run-item.js';

export const MAX_STACKED_ROWS = 1_000_000;
export interface StackedRequest {
  stacked_input?: unknown;
  stacked_inputs?: Record<string, unknown>;
}

/** The stacked tensors of a request, checked against the model's inputs with dimension 0 counting tasks. */
export function prepareStacked(model: ModelRow, request: StackedRequest): { feeds: Feeds; rows: number } {
  const field = request.stacked_input !== undefined ? 'stacked_input' : 'stacked_inputs';
  if (model.preprocessing && model.preprocessing !== 'passthrough') {
    throw new InputProblem(
      field,
      `the model has the ${model.preprocessing} preprocessing adapter, which takes one input object per task: send inputs`,
    );
  }
  if (model.inputSchema)
    throw new InputProblem(field, 'the model has an input_schema, which is checked per input object: send inputs');
  const why = whyRowsAreNotTasks(model);
  if (why !== undefined) {
    throw new InputProblem(
      field,
      `${why}, so its rows are not tasks (the model takes ${describeSignature(model.inputs)}): send inputs, one object per task`,
    );
  }
  const perRow = (info: TensorInfo): TensorInfo => ({ ...info, shape: ['tasks', ...info.shape.slice(1)] });
  const feeds: Feeds = {};
  if (request.stacked_input !== undefined) {
    if (model.inputs.length !== 1) {
      throw new InputProblem(
        'stacked_input',
        `the model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}): send them by name in stacked_inputs`,
      );
    }
    const info = model.inputs[0]!;
    feeds[info.name] = tensorFor(perRow(info), request.stacked_input, 'stacked_input');
  } else {
    const named = request.stacked_inputs!;
    for (const info of model.inputs) {
      const path = `stacked_inputs.${info.name}`;
      if (!(info.name in named))
        throw new InputProblem(
          path,
          `missing model input '${info.name}' (the model takes ${model.inputs.map((i) => i.name).join(', ')})`,
        );
      feeds[info.name] = tensorFor(perRow(info), named[info.name], path);
    }
    const unknown = Object.keys(named).find((name) => !model.inputs.some((info) => info.name === name));
    if (unknown !== undefined)
      throw new InputProblem(
        `stacked_inputs.${unknown}`,
        `the model has no input '${unknown}' (it takes ${model.inputs.map((i) => i.name).join(', ')})`,
      );
  }
  checkSymbolicDims(model.inputs.map(perRow), feeds, (name) =>
    request.stacked_input !== undefined ? 'stacked_input' : `stacked_inputs.${name}`,
  );
  const rows = rowsOf(feeds, field);
  if (rows > MAX_STACKED_ROWS)
    throw new InputProblem(`${field}.shape[0]`, `at most ${MAX_STACKED_ROWS} tasks per batch, got ${rows}`);
  return { feeds, rows };
}

/**
 * The prepared items of an `inputs` batch as stacked tensors, when every item is one row (dimension 0 is 1)
 * of the same inputs, types and trailing dimensions: the common case of the seed's form, which then runs as
 * fast as `stacked_input` with the same per-task results. Undefined when any item differs (it keeps
 * one object per task). Items are prepared at submission (input_schema, preprocessing, tensor checks), so
 * what is stored is what was checked.
 */
export function stackItems(items: Feeds[]): Feeds | undefined {
  const first = items[0];
  if (!first) return undefined;
  const names = Object.keys(first);
  // Checked field by field rather than by stackKey(): 100,000 key strings were a third of this function.
  const fits = (feeds: Feeds) => {
    let count = 0;
    for (const name in feeds) {
      const tensor = feeds[name]!;
      const model = first[name];
      if (!model || tensor.type !== model.type || tensor.dims[0] !== 1 || tensor.dims.length !== model.dims.length)
        return false;
      for (let d = 1; d < tensor.dims.length; d++) if (tensor.dims[d] !== model.dims[d]) return false;
      count += 1;
    }
    return count === names.length;
  };
  for (const feeds of items) if (!fits(feeds)) return undefined;
  return Object.fromEntries(
    names.map((name) => [
      name,
      stack(
        items.map((feeds) => feeds[name]!),
        true,
      ),
    ]),
  );
}

/** Rows [start, end) of every tensor, as views (no copy). */
export function rowRange(feeds: Feeds, start: number, end: number): Feeds {
  const out: Feeds = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    const width = tensor.data.length / tensor.dims[0]!;
    out[name] = {
      type: tensor.type,
      dims: [end - start, ...tensor.dims.slice(1)],
      data: tensor.data.subarray(start * width, end * width) as TensorData['data'],
    };
  }
  return out;
}

/** A stacked slice's raw outputs, every row completed: what is stored instead of one result per row. */
export interface StackedResults {
  rows: number;
  /** The model's output names in order (a result with one output is its `{data, shape}`). */
  order: string[];
  outputs: Feeds;
}

/**
 * Input bytes one engine run of a stacked slice may carry when that is more rows than `maxRows` (the
 * dynamic batcher's limit for joining requests). Small rows go in bigger runs: per run the thread hop and
 * the copies cost the same, so 64-row runs of a 16-byte row spent more on the hop than on the model.
 */
export const STACKED_RUN_BYTES = 64 * 1024;

/**
 * Runs stacked rows through the engine in ranges of `maxRows` rows or STACKED_RUN_BYTES of input,
 * whichever is more rows (one row at a time for models that do not stack), a few in flight. Without a
 * postprocessing adapter and with every range run, the outputs come back whole (StackedResults: rows whose
 * outputs are not finite fail when they are stored and read); otherwise one outcome per row.
 */
export async function runStacked(
  engine: EngineLike,
  model: ExecutableModel,
  feeds: Feeds,
  options: ItemOptions & { maxRows: number; maxInFlight?: number; retryWhenFull?: boolean },
): Promise<ItemsOutcome[] | StackedResults> {
  const rows = rowsOf(feeds);
  const bytesPerRow = Object.values(feeds).reduce((sum, tensor) => sum + tensor.data.byteLength / rows, 0);
  const step = model.handle.batchable
    ? Math.max(1, options.maxRows, Math.floor(STACKED_RUN_BYTES / Math.max(1, bytesPerRow)))
    : 1;
  const order = model.row.outputs.map((output) => output.name);
  const ranges: { start: number; end: number; outputs?: Feeds; error?: string }[] = [];
  for (let start = 0; start < rows; start += step) ranges.push({ start, end: Math.min(rows, start + step) });

  const runRange = async (range: (typeof ranges)[number]) => {
    const count = range.end - range.start;
    // Copies: the tensors are moved to the worker thread, and a retry needs them again.
    const owned = () =>
      Object.fromEntries(
        Object.entries(rowRange(feeds, range.start, range.end)).map(([name, t]) => [
          name,
          { ...t, data: t.data.slice() as TensorData['data'] },
        ]),
      ) as Feeds;
    try {
      const { outputs } = await submitYielding(engine, model.handle, owned, options);
      const mismatch = Object.entries(outputs).find(([, tensor]) => tensor.dims[0] !== count);
      range.outputs = outputs;
      if (mismatch && count > 1)
        range.error = `output '${mismatch[0]}' has ${mismatch[1].dims[0]} rows for ${count} input rows`;
    } catch (error) {
      range.error = taskErrorOf(error);
    }
  };
  await inLanes(ranges, options.maxInFlight ?? 4, runRange);

  const raw = !model.row.postprocessing || model.row.postprocessing === 'passthrough';
  if (
    raw &&
    ranges.every(
      (range) =>
        range.error === undefined && Object.values(range.outputs!).every((t) => t.dims[0] === range.end - range.start),
    )
  ) {
    const outputs: Feeds = {};
    for (const name of Object.keys(ranges[0]!.outputs!))
      outputs[name] = stack(ranges.map((range) => range.outputs![name]!));
    return { rows, order, outputs };
  }
  const outcomes: ItemsOutcome[] = new Array(rows);
  const context = { labels: model.row.labels, topK: options.topK ?? 5 };
  const checked = resultOutputs(model.row.postprocessing, order);
  for (const range of ranges) {
    const count = range.end - range.start;
    for (let row = 0; row < count; row++) {
      const own =
        range.error !== undefined ? undefined : count === 1 ? range.outputs! : rowRange(range.outputs!, row, row + 1);
      const problem = own && nonFiniteProblem(own, checked);
      outcomes[range.start + row] =
        range.error !== undefined
          ? { ok: false, error: range.error }
          : problem !== undefined
            ? { ok: false, error: new NonFiniteResultError(problem).taskError }
            : { ok: true, result: postprocess(model.row.postprocessing, own!, order, context) };
    }
  }
  return outcomes;
}
