/**
 * Postprocessing adapters, run in-process on the model's outputs: `passthrough` gives the raw tensors,
 * the others give one prediction per row of the first output (formats in openapi/inference.yaml).
 */
import { toJson, type Feeds, type TensorData } from '../engine/tensors.js';

export interface PostprocessContext {
  labels: string[] | null;
  topK: number;
}

const rowsOf = (tensor: TensorData): number[][] => {
  const values = toJson(tensor).map(Number);
  const rows = tensor.dims[0] ?? 1;
  const width = rows > 0 ? values.length / rows : 0;
  return Array.from({ length: rows }, (_, row) => values.slice(row * width, (row + 1) * width));
};

const labelOf = (context: PostprocessContext, index: number) => context.labels?.[index] ?? String(index);

export function rawResult(outputs: Feeds, order: string[]): unknown {
  const tensors = order
    .filter((name) => name in outputs)
    .map((name) => [name, { data: toJson(outputs[name]!), shape: outputs[name]!.dims }] as const);
  return tensors.length === 1 ? tensors[0]![1] : { outputs: Object.fromEntries(tensors) };
}

const postprocessors: Record<string, (first: TensorData, context: PostprocessContext) => unknown> = {
  top_k_labels: (first, context) => ({
    predictions: rowsOf(first).map((row) => {
      const ranked = row
        .map((score, index) => ({ label: labelOf(context, index), score }))
        .sort((a, b) => b.score - a.score);
      return { label: ranked[0]?.label ?? null, score: ranked[0]?.score ?? null, top_k: ranked.slice(0, context.topK) };
    }),
  }),
  binary_classification: (first, context) => ({
    predictions: rowsOf(first).map((row) => {
      const score = row.length >= 2 ? row[1]! : row[0]!;
      const positive = score >= 0.5;
      return {
        label: context.labels ? labelOf(context, positive ? 1 : 0) : positive ? 'positive' : 'negative',
        score,
        positive,
      };
    }),
  }),
  regression: (first) => ({ predictions: rowsOf(first).map((row) => (row.length === 1 ? row[0] : row)) }),
};

/** The outputs a result is made of: the first one for a postprocessing adapter, else every one, in order. */
export const resultOutputs = (name: string | null, order: string[]): string[] =>
  name && name !== 'passthrough' && postprocessors[name] ? order.slice(0, 1) : order;

export function postprocess(
  name: string | null,
  outputs: Feeds,
  order: string[],
  context: PostprocessContext,
): unknown {
  const adapter = name && name !== 'passthrough' ? postprocessors[name] : undefined;
  if (!adapter) return rawResult(outputs, order);
  return adapter(outputs[order[0]!]!, context);
}
