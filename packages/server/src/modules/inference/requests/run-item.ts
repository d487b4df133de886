/**
 * One request item through the whole path: input schema and preprocessing, the engine (dynamic batcher
 * and worker threads), postprocessing. Shared by sync requests and the job runner, so adapters behave the
 * same for sync, async and batch work.
 */
import type { EngineLike } from '../engine/inference-engine.js';
import { inLanes, submitYielding } from './batch-scheduling.js';
import type { ExecutableModel } from './model-lookup.js';
import { assertFinite, nonFiniteProblem, NonFiniteResultError, taskErrorOf } from './finite-results.js';
import { postprocess, resultOutputs } from './postprocess.js';
import { prepareRequest, type RequestItem } from './prepare-request.js';
import { split, stack, stackKey, type Feeds } from '../engine/tensors.js';

export interface ItemOptions {
  timeoutMs?: number;
  topK?: number;
}

export interface ItemOutcome {
  result: unknown;
  worker: number;
}

export async function runItem(
  engine: EngineLike,
  model: ExecutableModel,
  item: RequestItem,
  options: ItemOptions = {},
  path = '',
): Promise<ItemOutcome> {
  const { feeds } = prepareRequest(model.row, item, path);
  const outcome = await engine.submit(
    model.handle,
    feeds,
    options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {},
  );
  const order = model.row.outputs.map((output) => output.name);
  assertFinite(outcome.outputs, resultOutputs(model.row.postprocessing, order));
  const result = postprocess(model.row.postprocessing, outcome.outputs, order, {
    labels: model.row.labels,
    topK: options.topK ?? 5,
  });
  return { result, worker: outcome.worker };
}

export type ItemsOutcome = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Many items of one model at once (a job slice): every item is prepared; those that stack (same input
 * names, types and trailing dimensions, on a model with a free batch dimension) go to the engine as
 * groups of up to `maxRows` rows instead of one request per item, and the outputs are split back.
 * Items that cannot be prepared fail alone; the rest run.
 */
export async function runItems(
  engine: EngineLike,
  model: ExecutableModel,
  items: RequestItem[],
  options: ItemOptions & { maxRows: number; firstIndex: number; maxInFlight?: number; retryWhenFull?: boolean },
): Promise<ItemsOutcome[]> {
  const outcomes: ItemsOutcome[] = new Array(items.length);
  const prepared: { index: number; feeds: Feeds; rows: number; key: string }[] = [];
  items.forEach((item, index) => {
    try {
      const { feeds, rows } = prepareRequest(model.row, item, `inputs[${options.firstIndex + index}]`);
      prepared.push({ index, feeds, rows, key: stackKey(feeds) });
    } catch (error) {
      outcomes[index] = { ok: false, error: taskErrorOf(error) };
    }
  });
  const groups: (typeof prepared)[] = [];
  if (model.handle.batchable) {
    const byKey = new Map<string, (typeof prepared)[]>();
    for (const entry of prepared) {
      const list = byKey.get(entry.key) ?? [[]];
      byKey.set(entry.key, list);
      let group = list[list.length - 1]!;
      if (group.length > 0 && group.reduce((sum, e) => sum + e.rows, 0) + entry.rows > options.maxRows)
        list.push((group = []));
      group.push(entry);
    }
    for (const list of byKey.values()) groups.push(...list);
  } else groups.push(...prepared.map((entry) => [entry]));

  const outputNames = model.row.outputs.map((output) => output.name);
  const checked = resultOutputs(model.row.postprocessing, outputNames);
  const context = { labels: model.row.labels, topK: options.topK ?? 5 };
  const runGroup = async (group: (typeof prepared)[number][]) => {
    const names = Object.keys(group[0]!.feeds);
    const stacked = () =>
      Object.fromEntries(
        names.map((name) => [
          name,
          stack(
            group.map((entry) => entry.feeds[name]!),
            true,
          ),
        ]),
      ) as Feeds;
    try {
      const outcome = await submitYielding(engine, model.handle, stacked, options);
      const rowCounts = group.map((entry) => entry.rows);
      const pieces = Object.fromEntries(
        Object.entries(outcome.outputs).map(([name, tensor]) => [
          name,
          group.length === 1 ? [tensor] : split(tensor, rowCounts),
        ]),
      );
      group.forEach((entry, i) => {
        const own: Feeds = Object.fromEntries(Object.keys(pieces).map((name) => [name, pieces[name]![i]!]));
        const problem = nonFiniteProblem(own, checked);
        outcomes[entry.index] =
          problem !== undefined
            ? { ok: false, error: new NonFiniteResultError(problem).taskError }
            : { ok: true, result: postprocess(model.row.postprocessing, own, outputNames, context) };
      });
    } catch (error) {
      for (const entry of group) outcomes[entry.index] = { ok: false, error: taskErrorOf(error) };
    }
  };
  await inLanes(groups, options.maxInFlight ?? 4, runGroup);
  return outcomes;
}

/** A batch item as stored: `{inputs: {...}}` for multi-input models, otherwise the item is the `input`. */
export function toRequestItem(item: unknown): RequestItem {
  if (typeof item === 'object' && item !== null && !Array.isArray(item) && 'inputs' in item && !('data' in item)) {
    return { inputs: (item as { inputs: Record<string, unknown> }).inputs };
  }
  return { input: item };
}
