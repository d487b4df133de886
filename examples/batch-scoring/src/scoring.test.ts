/**
 * The batch-scoring example against @computeplane/mock (the reference server in-process): scores agree
 * with sync inference of the same rows, labelled models give labels, and bad input is refused with a
 * reason before or by the server.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, unwrap } from '@computeplane/sdk';
import { isInferenceResult, runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { useMockComputeplane } from '@computeplane/mock';
import { readFeatures, scoreFeatures } from './scoring.js';

const fixture = (name: string) => new URL(`../../../fixtures/models/${name}`, import.meta.url).pathname;

const poll = { intervalMs: 20, timeoutMs: 30_000 };
const csv = (rows: number) =>
  [
    'sepal_length,sepal_width,petal_length,petal_width',
    ...Array.from({ length: rows }, (_, i) =>
      [4 + (i % 30) / 10, 3 - (i % 7) / 10, 1 + (i % 50) / 10, (i % 25) / 10].join(','),
    ),
  ].join('\r\n');

describe('readFeatures', () => {
  it('reads a header and numeric rows as float32 row-major values', () => {
    const features = readFeatures('\uFEFFa, b\n1, 2.5\n\n-3,4e-1\n');
    expect(features.columns).toEqual(['a', 'b']);
    expect(features.rows).toBe(2);
    expect(Array.from(features.values)).toEqual([1, 2.5, -3, Math.fround(0.4)]);
  });

  it('names the line and column of what is not a number, and rows of the wrong width', () => {
    expect(() => readFeatures('a,b\n1,2\n3,x\n')).toThrow("line 3, column b: 'x' is not a number");
    expect(() => readFeatures('a,b\n1,2\n3,\n')).toThrow("line 3, column b: '' is not a number");
    expect(() => readFeatures('a,b\n1,2,3\n')).toThrow(/line 2: 3 values for 2 columns|Invalid Record Length/);
    expect(() => readFeatures('a,b\n')).toThrow('at least one row');
  });
});

describe('scoreFeatures', () => {
  // Each test starts on an empty mock with no overrides.
  const { client } = useMockComputeplane({ beforeAll, afterEach, afterAll });

  it('scores every row as one batch job, with the values sync inference gives', async () => {
    const model = await unwrap(uploadModel(client, { model: fixture('tiny-mlp.onnx') }));
    const features = readFeatures(csv(300));
    const lines = (await scoreFeatures(client, model.id, features, poll)).trim().split('\n');
    expect(lines[0]).toBe('row,output_0,output_1,output_2');
    expect(lines).toHaveLength(301);
    for (const row of [0, 137, 299]) {
      const sync = await unwrap(
        runInference(client, {
          body: {
            model_id: model.id,
            input: { data: Array.from(features.values.subarray(row * 4, row * 4 + 4)), shape: [1, 4] },
          },
        }),
      );
      const expected = isInferenceResult(sync) ? (sync.result as { data: number[] }).data : [];
      const values = lines[row + 1]!.split(',').map(Number);
      expect(values[0]).toBe(row);
      values.slice(1).forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 6));
    }
  });

  it('writes the best label and its score for a labelled model', async () => {
    const labels = ['setosa', 'versicolor', 'virginica'];
    const model = await unwrap(
      uploadModel(client, { model: fixture('tiny-mlp.onnx'), labels, postprocessing: 'top_k_labels' }),
    );
    const lines = (await scoreFeatures(client, model.id, readFeatures(csv(40)), poll)).trim().split('\n');
    expect(lines[0]).toBe('row,label,score');
    expect(lines).toHaveLength(41);
    for (const line of lines.slice(1)) {
      const [, label, score] = line.split(',');
      expect(labels).toContain(JSON.parse(label!));
      expect(Number(score)).toBeGreaterThan(1 / 3 - 1e-6);
    }
  });

  it('surfaces the server’s 400 when the rows do not fit the model', async () => {
    const model = await unwrap(uploadModel(client, { model: fixture('tiny-mlp.onnx') }));
    const error = await scoreFeatures(client, model.id, readFeatures('a,b,c\n1,2,3\n'), poll).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).code).toBe('VALIDATION_ERROR');
    expect((error as BadRequestError).message).toMatch(/stacked_input\.shape/);
  });

  it('reads the sample file shipped with the example', async () => {
    const features = readFeatures(await readFile(new URL('../sample-features.csv', import.meta.url), 'utf8'));
    expect(features.columns).toHaveLength(4);
    expect(features.rows).toBeGreaterThan(0);
  });
});
