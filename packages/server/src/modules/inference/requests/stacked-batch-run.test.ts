/**
 * prepareStacked (a stacked request checked against the model's real inputs) and runStacked (rows run
 * through a real engine in ranges, outputs whole or per row) on the committed fixture models.
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '@computeplane/test-support/fixtures';
import type { ModelRow } from '../../models/module.js';
import { createInferenceEngine, type InferenceEngine } from '../engine/inference-engine.js';
import { createInferenceMetrics } from '../engine/inference-metrics.js';
import { createWorkerPool, type WorkerPool } from '../engine/worker-pool.js';
import type { ExecutableModel } from './model-lookup.js';
import { prepareStacked, runStacked, type StackedResults } from './stacked-batch.js';

const manifest = JSON.parse(readFileSync(fixturePath('manifest.json'), 'utf8')) as {
  name: string;
  inputs: ModelRow['inputs'];
  outputs: ModelRow['outputs'];
}[];

function modelRow(file: string, extra: Partial<ModelRow> = {}): ModelRow {
  const entry = manifest.find((m) => m.name === file)!;
  return {
    id: `model_${file}`,
    checksum: file,
    inputs: entry.inputs,
    outputs: entry.outputs,
    preprocessing: null,
    postprocessing: null,
    inputSchema: null,
    labels: null,
    ...extra,
  } as ModelRow;
}

function executable(file: string, extra: Partial<ModelRow> = {}): ExecutableModel {
  const row = modelRow(file, extra);
  const batchable = row.inputs.every((input) => typeof input.shape[0] === 'string');
  return {
    row,
    handle: { key: file, label: file, batchable, load: async () => new Uint8Array(readFileSync(fixturePath(file))) },
  };
}

describe('prepareStacked', () => {
  it('takes one tensor whose first dimension counts the tasks', () => {
    const { feeds, rows } = prepareStacked(modelRow('tiny-mlp.onnx'), {
      stacked_input: { data: [1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 4] },
    });
    expect(rows).toBe(2);
    expect(feeds.input).toEqual({ type: 'float32', dims: [2, 4], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) });
  });

  it('takes a multi-input model’s tensors by name, and names the field of every mistake', () => {
    const row = modelRow('multi-input.onnx');
    const two = { data: [1, 2, 3, 4], shape: [2, 2] };
    expect(prepareStacked(row, { stacked_inputs: { a: two, b: two } }).rows).toBe(2);
    expect(() => prepareStacked(row, { stacked_input: two })).toThrow(/2 inputs \(a, b\)/);
    expect(() => prepareStacked(row, { stacked_inputs: { a: two } })).toThrow(/missing model input 'b'/);
    expect(() => prepareStacked(row, { stacked_inputs: { a: two, b: two, c: two } })).toThrow(/no input 'c'/);
    expect(() => prepareStacked(row, { stacked_inputs: { a: two, b: { data: [1, 2], shape: [1, 2] } } })).toThrow();
  });

  it('refuses models whose inputs are checked per task object, or whose first dimension is fixed', () => {
    const input = { stacked_input: { data: [1, 2, 3, 4], shape: [1, 4] } };
    expect(() =>
      prepareStacked(modelRow('tiny-mlp.onnx', { preprocessing: 'image_classification' } as Partial<ModelRow>), input),
    ).toThrow(/preprocessing adapter/);
    expect(() => prepareStacked(modelRow('tiny-mlp.onnx', { inputSchema: { type: 'object' } }), input)).toThrow(
      /input_schema/,
    );
    // A model whose input fixes dimension 0 at 2: its rows are not tasks (metadata only; nothing runs).
    const pairs = modelRow('tiny-mlp.onnx', { inputs: [{ name: 'input', type: 'float32', shape: [2, 4] }] });
    expect(() => prepareStacked(pairs, { stacked_input: { data: new Array(8).fill(0), shape: [2, 4] } })).toThrow(
      /fixes dimension 0 at 2/,
    );
  });
});

describe('runStacked', () => {
  let pool: WorkerPool;
  let engine: InferenceEngine;
  beforeAll(() => {
    pool = createWorkerPool({ workers: 1, intraOpNumThreads: 1 });
    engine = createInferenceEngine(pool, createInferenceMetrics(new Registry()), { maxBatchSize: 4 });
  });
  afterAll(() => pool.close());

  const rows = 37;
  const stacked = () =>
    prepareStacked(modelRow('tiny-mlp.onnx'), {
      stacked_input: { data: Array.from({ length: rows * 4 }, (_, i) => (i % 7) - 3), shape: [rows, 4] },
    }).feeds;

  it('returns the raw outputs whole, row for row the same as running each row alone', async () => {
    const model = executable('tiny-mlp.onnx');
    const whole = (await runStacked(engine, model, stacked(), { maxRows: 4, retryWhenFull: true })) as StackedResults;
    expect(Array.isArray(whole)).toBe(false);
    expect(whole.rows).toBe(rows);
    expect(whole.order).toEqual(['probabilities']);
    expect(whole.outputs.probabilities!.dims).toEqual([rows, 3]);
    const alone = await engine.submit(model.handle, {
      input: {
        type: 'float32',
        dims: [1, 4],
        data: Float32Array.from((stacked().input!.data as Float32Array).subarray(36 * 4)),
      },
    });
    expect(Array.from((whole.outputs.probabilities!.data as Float32Array).subarray(36 * 3))).toEqual(
      Array.from(alone.outputs.probabilities!.data as Float32Array),
    );
  });

  it('gives one outcome per row when a postprocessing adapter shapes each result', async () => {
    const model = executable('tiny-mlp.onnx', {
      postprocessing: 'top_k_labels',
      labels: ['a', 'b', 'c'],
    } as Partial<ModelRow>);
    const outcomes = await runStacked(engine, model, stacked(), { maxRows: 4, topK: 1, retryWhenFull: true });
    expect(Array.isArray(outcomes)).toBe(true);
    expect(outcomes).toHaveLength(rows);
    for (const outcome of outcomes as { ok: boolean; result: unknown }[])
      expect(outcome).toMatchObject({ ok: true, result: expect.anything() });
  });

  it('fails every row of a range the engine refuses, with the engine’s message, and runs the others', async () => {
    const model = executable('tiny-mlp.onnx');
    const broken = {
      ...model,
      handle: {
        ...model.handle,
        key: 'not-a-model',
        load: async () => new Uint8Array(readFileSync(fixturePath('not-a-model.onnx'))),
      },
    };
    const outcomes = (await runStacked(engine, broken, stacked(), { maxRows: 4, retryWhenFull: true })) as {
      ok: boolean;
      error?: string;
    }[];
    expect(outcomes).toHaveLength(rows);
    expect(outcomes.every((o) => !o.ok && typeof o.error === 'string' && o.error.length > 0)).toBe(true);
  });
});
