/**
 * Contract: the inference area through the SDK against a real server, on both drivers. Results are
 * compared with an in-process ONNX Runtime run of the same fixture on the same inputs.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  cancelInferenceJob,
  getInferenceJob,
  isInferenceResult,
  type InferenceAccepted,
  type InferenceResult,
  iterateBatchResults,
  runInference,
  submitBatchInference,
  tensorBase64,
  waitForInferenceJob,
} from '@computeplane/sdk/inference';
import { getMetrics } from '@computeplane/sdk/health';
import { updateModelSchema, uploadModel } from '@computeplane/sdk/models';
import { encodeModel, node } from '../../scripts/fixtures/onnx-graph.js';
import { slowChainModel } from '../../scripts/fixtures/slow-chain-model.js';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, contractInferenceSettings, expectClose, serverFor } from './harness.js';

const reference = async (file: string, feeds: Record<string, ort.Tensor>) => {
  const session = await ort.InferenceSession.create(fixturePath(file));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
};
/** The sync result of a runInference call (fails the test when it was accepted as a job instead). */
const completed = (body: InferenceResult | InferenceAccepted | undefined): InferenceResult => {
  expect(body && isInferenceResult(body)).toBe(true);
  return body as InferenceResult;
};
const f32 = (data: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);
const close = expectClose;

describe.each(testDrivers)('inference contract on $name', (driver) => {
  const suite = serverFor(driver, {
    settings: { inference: contractInferenceSettings },
  });
  const upload = async (file: string, extra: Record<string, unknown> = {}) =>
    unwrap(uploadModel(suite.server.clientA, { model: fixturePath(file), ...extra }));

  it('runs a classifier synchronously with the same result as ONNX Runtime in-process', async () => {
    const model = await upload('tiny-mlp.onnx');
    const data = [0.1, 0.2, 0.3, 0.4, -1, 2, -3, 4];
    const { data: body } = await conform(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: model.id, input: { data, shape: [2, 4] } } }),
    );
    const expected = await reference('tiny-mlp.onnx', { input: f32(data, [2, 4]) });
    expect(body).toMatchObject({
      status: 'completed',
      model_id: model.id,
      device_id: expect.stringMatching(/^local\/cpu-\d+$/),
    });
    const result = completed(body).result as { data: number[]; shape: number[] };
    expect(result.shape).toEqual([2, 3]);
    close(result.data, expected.probabilities!.data as Float32Array);
    expect(completed(body).latency_ms).toBeGreaterThan(0);

    // Triton-style metrics per model: requests, inferences (rows) and executions, queue and compute time.
    const metrics = await unwrap(getMetrics(suite.server.admin));
    const sample = (name: string) =>
      Number(new RegExp(`^${name}\\{model="${model.id}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(sample('inference_request_success_total')).toBe(1);
    expect(sample('inference_count_total')).toBe(2);
    expect(sample('inference_exec_count_total')).toBe(1);
    expect(metrics).toMatch(new RegExp(`inference_compute_duration_seconds_count\\{model="${model.id}"\\} 1`));
  });

  it('runs multi-input models by input name, and fixed-batch models', async () => {
    const multi = await upload('multi-input.onnx');
    const a = [1, 2, 3, 4];
    const b = [0.5, -1, 2, 0];
    const { data: body } = await conform(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: multi.id, inputs: { a: { data: a, shape: [2, 2] }, b: { data: b, shape: [2, 2] } } },
      }),
    );
    const expected = await reference('multi-input.onnx', { a: f32(a, [2, 2]), b: f32(b, [2, 2]) });
    const outputs = (completed(body).result as { outputs: Record<string, { data: number[] }> }).outputs;
    close(outputs.sum!.data, expected.sum!.data as Float32Array);
    close(outputs.product!.data, expected.product!.data as Float32Array);

    const fixed = await upload('fixed-batch.onnx');
    const one = await unwrap(
      runInference(suite.server.clientA, {
        body: { model_id: fixed.id, input: { data: [1, 2, 3, 4], shape: [1, 4] } },
      }),
    );
    close(
      (completed(one).result as { data: number[] }).data,
      (await reference('fixed-batch.onnx', { input: f32([1, 2, 3, 4], [1, 4]) })).output!.data as Float32Array,
    );
    const two = await conformError(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: fixed.id, input: { data: [1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 4] } },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(two.message).toMatch(/fixes dimension 0 at 1/);
  });

  it('applies adapters: top_k_labels with labels, tabular and text_tokens preprocessing', async () => {
    const model = await upload('tiny-mlp.onnx', {
      labels: ['setosa', 'versicolor', 'virginica'],
      postprocessing: 'top_k_labels',
      preprocessing: 'tabular',
    });
    const { data: body } = await conform(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: model.id, input: { rows: [[0.1, 0.2, 0.3, 0.4]] }, options: { top_k: 2 } },
      }),
    );
    const expected = Array.from(
      (await reference('tiny-mlp.onnx', { input: f32([0.1, 0.2, 0.3, 0.4], [1, 4]) })).probabilities!
        .data as Float32Array,
    );
    const best = expected.indexOf(Math.max(...expected));
    const predictions = (
      completed(body).result as { predictions: { label: string; score: number; top_k: unknown[] }[] }
    ).predictions;
    expect(predictions).toHaveLength(1);
    expect(predictions[0]!.label).toBe(['setosa', 'versicolor', 'virginica'][best]);
    expect(predictions[0]!.score).toBeCloseTo(expected[best]!, 5);
    expect(predictions[0]!.top_k).toHaveLength(2);

    const tokens = await upload('token-classifier.onnx', {
      preprocessing: 'text_tokens',
      postprocessing: 'binary_classification',
      labels: ['neg', 'pos'],
    });
    const { data: text } = await conform(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: tokens.id, input: { tokens: [1, 2, 3] } } }),
    );
    const ids = new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n, 0n, 0n, 0n, 0n, 0n]), [1, 8]);
    const score = ((await reference('token-classifier.onnx', { input_ids: ids })).logits!.data as Float32Array)[1]!;
    expect(
      (completed(text).result as { predictions: { label: string; score: number }[] }).predictions[0],
    ).toMatchObject({ label: score >= 0.5 ? 'pos' : 'neg', score: expect.closeTo(score, 5) });
  });

  it('rejects bad inputs with 400s naming the problem', async () => {
    const model = await upload('tiny-mlp.onnx');
    const cases: [unknown, RegExp][] = [
      [{ model_id: model.id, input: { data: [1, 2, 3], shape: [1, 4] } }, /needs 4 elements, got 3/],
      [{ model_id: model.id, input: { data: [1, 2, 3, 4], shape: [4] } }, /has 2 dimensions/],
      [{ model_id: model.id, input: { data: [1, 2, 3, 4, 5], shape: [1, 5] } }, /fixes dimension 1 at 4/],
      [{ model_id: model.id, input: { data: [1, 2, 'x', 4], shape: [1, 4] } }, /data\[2\]|expected number/],
      [{ model_id: model.id }, /send input/],
      [{ model_id: model.id, inputs: { nope: { data: [1], shape: [1] } } }, /missing model input 'input'/],
      [
        {
          model_id: model.id,
          input: { data: [1, 2, 3, 4], shape: [1, 4] },
          inputs: { input: { data: [1, 2, 3, 4], shape: [1, 4] } },
        },
        /either input or inputs/,
      ],
    ];
    for (const [body, message] of cases) {
      const error = await conformError(
        'runInference',
        runInference(suite.server.clientA, { body: body as never }),
        400,
        'VALIDATION_ERROR',
      );
      expect(error.message).toMatch(message);
    }
    await unwrap(
      updateModelSchema(suite.server.clientA, {
        params: { path: { id: model.id } },
        body: { input_schema: { type: 'object', required: ['data'], properties: { data: { maxItems: 4 } } } },
      }),
    );
    const schemaError = await conformError(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: model.id, input: { data: [1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 4] } },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expect(schemaError.message).toMatch(/input_schema/);
    await conformError(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: 'model_missing0' } }),
      404,
      'NO_MODEL',
    );
    await conformError(
      'runInference',
      runInference(suite.server.clientB, {
        body: { model_id: model.id, input: { data: [1, 2, 3, 4], shape: [1, 4] } },
      }),
      404,
      'NO_MODEL',
    );
    const torch = await upload('tiny.pt');
    await conformError(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: torch.id, input: { data: [1], shape: [1] } } }),
      400,
      'MODEL_NOT_EXECUTABLE',
    );
  });

  it('says why ONNX Runtime could not run the inputs, without its source paths, sync and async', async () => {
    // Two inputs whose second dimensions the model does not tie together: the request is valid for the
    // signature, and ONNX Runtime fails in Add with a message that starts with its source location.
    const model = await unwrap(
      uploadModel(suite.server.clientA, {
        name: 'mismatched-add',
        model: encodeModel({
          name: 'mismatched_add',
          inputs: [
            { name: 'a', type: 'float32', shape: ['batch', 'n'] },
            { name: 'b', type: 'float32', shape: ['batch', 'm'] },
          ],
          outputs: [{ name: 'sum', type: 'float32', shape: ['batch', 'n'] }],
          initializers: [],
          nodes: [node('Add', ['a', 'b'], ['sum'])],
        }),
      }),
    );
    const inputs = { a: { data: [1, 2], shape: [1, 2] }, b: { data: [1, 2, 3], shape: [1, 3] } };
    const error = await conformError(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: model.id, inputs } }),
      400,
      'VALIDATION_ERROR',
    );
    expect(error.message).toMatch(/could not run these inputs: .*Add.*Attempting to broadcast an axis/);
    expect(error.message).not.toMatch(/onnxruntime_src|\.h:\d|onnxruntime::/);
    const accepted = await unwrap(
      runInference(suite.server.clientA, { body: { model_id: model.id, inputs, async: true } }),
    );
    const job = await waitForInferenceJob(suite.server.clientA, (accepted as { job_id: string }).job_id, {
      intervalMs: 20,
      timeoutMs: 20_000,
    });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/Attempting to broadcast an axis/);
    expect(job.error).not.toMatch(/onnxruntime_src|onnxruntime::/);
  });

  it('runs async jobs (query, header or body flag) that are polled to completion', async () => {
    const model = await upload('regression.onnx', { postprocessing: 'regression' });
    const input = { data: [1, 2, 3], shape: [1, 3] };
    const viaBody = await conform(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: model.id, input, async: true } }),
    );
    expect(viaBody.response?.status).toBe(202);
    expect(viaBody.data).toMatchObject({
      status: 'queued',
      poll_url: `/api/v1/inference/${(viaBody.data as { job_id: string }).job_id}`,
    });
    const viaQuery = await unwrap(
      runInference(suite.server.clientA, { params: { query: { async: true } }, body: { model_id: model.id, input } }),
    );
    const viaHeader = await unwrap(
      runInference(suite.server.clientA, {
        params: { header: { 'X-Async': 'true' } },
        body: { model_id: model.id, input },
      }),
    );
    const expected = (
      (await reference('regression.onnx', { features: f32([1, 2, 3], [1, 3]) })).prediction!.data as Float32Array
    )[0]!;
    for (const accepted of [viaBody.data, viaQuery, viaHeader] as { job_id: string }[]) {
      const job = await waitForInferenceJob(suite.server.clientA, accepted.job_id, {
        intervalMs: 20,
        timeoutMs: 20_000,
      });
      expect(job).toMatchObject({
        type: 'single',
        status: 'completed',
        progress: { total: 1, completed: 1, failed: 0, percent: 100 },
      });
      expect((job.result as { predictions: number[] }).predictions[0]).toBeCloseTo(expected, 5);
    }
    const { data: polled } = await conform(
      'getInferenceJob',
      getInferenceJob(suite.server.clientA, { params: { path: { jobId: viaQuery.job_id } } }),
    );
    expect(polled!.completed_at).not.toBeNull();
    await conformError(
      'getInferenceJob',
      getInferenceJob(suite.server.clientB, { params: { path: { jobId: viaQuery.job_id } } }),
      404,
      'NOT_FOUND',
    );
    await conformError(
      'cancelInferenceJob',
      cancelInferenceJob(suite.server.clientA, { params: { path: { jobId: viaQuery.job_id } } }),
      409,
      'CANNOT_CANCEL',
    );
  });

  it('runs a batch job with per-item results in input order, equal to ONNX Runtime', async () => {
    const model = await upload('tiny-mlp.onnx');
    const rows = Array.from({ length: 150 }, (_, i) => [i / 10, -i / 20, (i % 7) / 3, 1]);
    const inputs = rows.map((row) => ({ data: row, shape: [1, 4] }));
    inputs[7] = { data: [1, 2], shape: [1, 4] } as never;
    await conformError(
      'submitBatchInference',
      submitBatchInference(suite.server.clientA, { body: { model_id: model.id, inputs } }),
      400,
      'VALIDATION_ERROR',
    ).then((error) => expect(error.message).toMatch(/inputs\[7\]/));
    inputs[7] = { data: rows[7]!, shape: [1, 4] };
    const { data: accepted } = await conform(
      'submitBatchInference',
      submitBatchInference(suite.server.clientA, { body: { model_id: model.id, inputs, name: 'scoring' } }),
    );
    expect(accepted).toMatchObject({
      status: 'queued',
      total_tasks: 150,
      project_id: expect.stringMatching(/^batch_\d+$/),
    });
    const job = await waitForInferenceJob(suite.server.clientA, accepted!.job_id, {
      intervalMs: 20,
      timeoutMs: 30_000,
    });
    expect(job.progress).toEqual({ total: 150, completed: 150, failed: 0, cancelled: 0, percent: 100 });
    const expected = (await reference('tiny-mlp.onnx', { input: f32(rows.flat(), [150, 4]) })).probabilities!
      .data as Float32Array;
    const results = [];
    for await (const item of iterateBatchResults(suite.server.clientA, accepted!.job_id, 40)) results.push(item);
    expect(results.map((item) => item.index)).toEqual(rows.map((_, i) => i));
    results.forEach((item, i) => close((item.result as { data: number[] }).data, expected.slice(i * 3, i * 3 + 3)));
  });

  it('runs stacked batches (rows of one tensor) with the results the same rows give as inputs', async () => {
    const model = await upload('tiny-mlp.onnx');
    const rows = Array.from({ length: 150 }, (_, i) => [i / 10, -i / 20, (i % 7) / 3, 1]);
    const batchResults = async (jobId: string) => {
      await waitForInferenceJob(suite.server.clientA, jobId, { intervalMs: 20, timeoutMs: 30_000 });
      const results = [];
      for await (const item of iterateBatchResults(suite.server.clientA, jobId, 100)) results.push(item);
      return results;
    };
    const { data: stacked } = await conform(
      'submitBatchInference',
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, stacked_input: { data: rows.flat(), shape: [150, 4] } },
      }),
    );
    expect(stacked).toMatchObject({ status: 'queued', total_tasks: 150 });
    const asItems = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, inputs: rows.map((row) => ({ data: row, shape: [1, 4] })) },
      }),
    );
    const fromStacked = await batchResults(stacked!.job_id);
    expect(fromStacked).toEqual(await batchResults(asItems.job_id));
    const expected = (await reference('tiny-mlp.onnx', { input: f32(rows.flat(), [150, 4]) })).probabilities!
      .data as Float32Array;
    expect(fromStacked.map((item) => (item.result as { shape: number[] }).shape)).toEqual(rows.map(() => [1, 3]));
    fromStacked.forEach((item, i) => close((item.result as { data: number[] }).data, expected.slice(i * 3, i * 3 + 3)));

    // Multi-input models by name; a model whose dimension 0 is fixed at 1 runs its rows one by one.
    const multi = await upload('multi-input.onnx');
    const a = [1, 2, 3, 4, 5, 6];
    const b = [0.5, -1, 2, 0, 1, 1];
    const named = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: multi.id, stacked_inputs: { a: { data: a, shape: [3, 2] }, b: { data: b, shape: [3, 2] } } },
      }),
    );
    const sums = (await reference('multi-input.onnx', { a: f32(a, [3, 2]), b: f32(b, [3, 2]) })).sum!
      .data as Float32Array;
    const multiResults = await batchResults(named.job_id);
    expect(multiResults).toHaveLength(3);
    multiResults.forEach((item, i) =>
      close(
        (item.result as { outputs: Record<string, { data: number[] }> }).outputs.sum!.data,
        sums.slice(i * 2, i * 2 + 2),
      ),
    );
    const fixed = await upload('fixed-batch.onnx');
    const fixedRows = [1, 2, 3, 4, 5, 6, 7, 8, -1, 0, 1, 0];
    const fixedJob = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: fixed.id, stacked_input: { data: fixedRows, shape: [3, 4] } },
      }),
    );
    const fixedResults = await batchResults(fixedJob.job_id);
    for (const [i, item] of fixedResults.entries()) {
      const row = fixedRows.slice(i * 4, i * 4 + 4);
      close(
        (item.result as { data: number[] }).data,
        (await reference('fixed-batch.onnx', { input: f32(row, [1, 4]) })).output!.data as Float32Array,
      );
    }
  });

  it('takes tensors as base64 bytes (data_base64), sync and stacked, with the results of the JSON form', async () => {
    const model = await upload('tiny-mlp.onnx');
    const rows = Array.from({ length: 40 }, (_, i) => [i / 10, -i / 20, (i % 7) / 3, 1]);
    const flat = Float32Array.from(rows.flat());
    const { data: sync } = await conform(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: model.id, input: tensorBase64(flat.subarray(0, 8), [2, 4]) },
      }),
    );
    const { data: json } = await conform(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: model.id, input: { data: Array.from(flat.subarray(0, 8)), shape: [2, 4] } },
      }),
    );
    expect(completed(sync).result).toEqual(completed(json).result);

    const multi = await upload('multi-input.onnx');
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Float32Array.from([0.5, -1, 2, 0, 1, 1]);
    const { data: named } = await conform(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: multi.id, inputs: { a: tensorBase64(a, [3, 2]), b: { data: Array.from(b), shape: [3, 2] } } },
      }),
    );
    const sums = (await reference('multi-input.onnx', { a: f32(Array.from(a), [3, 2]), b: f32(Array.from(b), [3, 2]) }))
      .sum!.data as Float32Array;
    close((completed(named).result as { outputs: Record<string, { data: number[] }> }).outputs.sum!.data, sums);

    const { data: accepted } = await conform(
      'submitBatchInference',
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, stacked_input: tensorBase64(flat, [40, 4]) },
      }),
    );
    expect(accepted).toMatchObject({ status: 'queued', total_tasks: 40 });
    await waitForInferenceJob(suite.server.clientA, accepted!.job_id, { intervalMs: 20, timeoutMs: 30_000 });
    const results = [];
    for await (const item of iterateBatchResults(suite.server.clientA, accepted!.job_id, 25)) results.push(item);
    const expected = (await reference('tiny-mlp.onnx', { input: f32(rows.flat(), [40, 4]) })).probabilities!
      .data as Float32Array;
    expect(results.map((item) => item.status)).toEqual(rows.map(() => 'completed'));
    results.forEach((item, i) => close((item.result as { data: number[] }).data, expected.slice(i * 3, i * 3 + 3)));
  });

  it('rejects base64 tensors that are not the model input’s bytes, with 400s naming the field', async () => {
    const model = await upload('tiny-mlp.onnx');
    const sync = (input: unknown) =>
      runInference(suite.server.clientA, { body: { model_id: model.id, input } as never });
    const f32Bytes = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');
    const cases: [unknown, RegExp][] = [
      [
        { data: [1, 2, 3, 4], data_base64: f32Bytes([1, 2, 3, 4]), shape: [1, 4] },
        /data \(JSON numbers\) or data_base64 \(bytes\), not both/,
      ],
      [{ shape: [1, 4] }, /expected a tensor \{data, shape\} or \{data_base64, shape\}/],
      [{ data_base64: 'AAAA$AAA', shape: [1, 4] }, /input\.data_base64.*is not base64/],
      [
        { data_base64: f32Bytes([1, 2, 3]), shape: [1, 4] },
        /input\.data_base64.*needs 16 bytes \(4 elements of 4\), got 12/,
      ],
      [{ data_base64: f32Bytes([1, Number.NaN, 3, 4]), shape: [1, 4] }, /input\.data_base64.*element 1 is NaN/],
      [{ data_base64: f32Bytes([1, 2, Number.POSITIVE_INFINITY, 4]), shape: [1, 4] }, /element 2 is Infinity/],
    ];
    for (const [input, message] of cases) {
      expect((await conformError('runInference', sync(input), 400, 'VALIDATION_ERROR')).message).toMatch(message);
    }
    const batch = submitBatchInference(suite.server.clientA, {
      body: { model_id: model.id, stacked_input: { data_base64: f32Bytes([1, 2, 3, 4, 5]), shape: [2, 4] } },
    });
    expect((await conformError('submitBatchInference', batch, 400, 'VALIDATION_ERROR')).message).toMatch(
      /stacked_input\.data_base64.*needs 32 bytes/,
    );
  });

  it('rejects stacked batches it cannot run as tensors, with 400s naming the field', async () => {
    const model = await upload('tiny-mlp.onnx');
    const tensor = { data: [1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 4] };
    const submit = (body: Record<string, unknown>) =>
      submitBatchInference(suite.server.clientA, { body: { model_id: model.id, ...body } as never });
    expect((await conformError('submitBatchInference', submit({}), 400, 'VALIDATION_ERROR')).message).toMatch(
      /inputs, stacked_input or stacked_inputs/,
    );
    expect(
      (
        await conformError(
          'submitBatchInference',
          submit({ stacked_input: tensor, inputs: [tensor] }),
          400,
          'VALIDATION_ERROR',
        )
      ).message,
    ).toMatch(/one form only, got inputs and stacked_input/);
    expect(
      (
        await conformError(
          'submitBatchInference',
          submit({ stacked_input: { data: [1, 2, 3], shape: [2, 4] } }),
          400,
          'VALIDATION_ERROR',
        )
      ).message,
    ).toMatch(/stacked_input\.data.*needs 8 elements, got 3/);
    expect(
      (
        await conformError(
          'submitBatchInference',
          submit({ stacked_input: { data: [], shape: [0, 4] } }),
          400,
          'VALIDATION_ERROR',
        )
      ).message,
    ).toMatch(/stacked_input\.shape\[0\]/);
    expect(
      (
        await conformError(
          'submitBatchInference',
          submit({ stacked_inputs: { input: tensor, extra: tensor } }),
          400,
          'VALIDATION_ERROR',
        )
      ).message,
    ).toMatch(/no input 'extra'/);
    const multi = await upload('multi-input.onnx');
    const wrongForm = submitBatchInference(suite.server.clientA, {
      body: { model_id: multi.id, stacked_input: tensor },
    });
    expect((await conformError('submitBatchInference', wrongForm, 400, 'VALIDATION_ERROR')).message).toMatch(
      /send them by name in stacked_inputs/,
    );
    const tabular = await upload('tiny-mlp.onnx', { preprocessing: 'tabular' });
    const adapted = submitBatchInference(suite.server.clientA, {
      body: { model_id: tabular.id, stacked_input: tensor },
    });
    expect((await conformError('submitBatchInference', adapted, 400, 'VALIDATION_ERROR')).message).toMatch(
      /tabular preprocessing adapter.*send inputs/,
    );
  });

  it('applies adapters to batch items as to sync requests, whether the items stack into one tensor or not', async () => {
    const model = await upload('tiny-mlp.onnx', {
      labels: ['setosa', 'versicolor', 'virginica'],
      postprocessing: 'top_k_labels',
      preprocessing: 'tabular',
    });
    const one = Array.from({ length: 30 }, (_, i) => ({ rows: [[i / 10, 0.2, (i % 3) / 2, 0.4]] }));
    // One item of two rows: these items cannot be rows of one tensor and are stored one by one.
    const mixed = [
      ...one.slice(0, 10),
      {
        rows: [
          [0.5, 0.5, 0.5, 0.5],
          [1, 0, 1, 0],
        ],
      },
    ];
    for (const inputs of [one, mixed]) {
      const accepted = await unwrap(
        submitBatchInference(suite.server.clientA, { body: { model_id: model.id, inputs, options: { top_k: 2 } } }),
      );
      await waitForInferenceJob(suite.server.clientA, accepted.job_id, { intervalMs: 20, timeoutMs: 30_000 });
      const results = [];
      for await (const item of iterateBatchResults(suite.server.clientA, accepted.job_id, 50)) results.push(item);
      expect(results).toHaveLength(inputs.length);
      for (const [i, input] of inputs.entries()) {
        const sync = completed(
          await unwrap(
            runInference(suite.server.clientA, { body: { model_id: model.id, input, options: { top_k: 2 } } }),
          ),
        );
        expect(results[i]).toMatchObject({ index: i, status: 'completed', result: sync.result });
      }
    }
  });

  it('cancels a running batch: unfinished work stops and later results are discarded', async () => {
    const model = await upload('image-classifier.onnx');
    const inputs = Array.from({ length: 3000 }, (_, i) => ({
      data: Array.from({ length: 48 }, (_, j) => ((i + j) % 10) / 10),
      shape: [1, 3, 4, 4],
    }));
    const accepted = await unwrap(submitBatchInference(suite.server.clientA, { body: { model_id: model.id, inputs } }));
    // One-row items are stored stacked: 3,000 rows of 192 bytes in slices of 16 KiB (the suite's setting), 36 slices.
    const { data: cancelled } = await conform(
      'cancelInferenceJob',
      cancelInferenceJob(suite.server.clientA, { params: { path: { jobId: accepted.job_id } } }),
    );
    expect(cancelled!.status).toBe('cancelled');
    expect(cancelled!.progress.cancelled).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await unwrap(getInferenceJob(suite.server.clientA, { params: { path: { jobId: accepted.job_id } } }));
    expect(after.status).toBe('cancelled');
    expect(after.progress.completed + after.progress.cancelled + after.progress.failed).toBeLessThanOrEqual(3000);
    expect(after.progress.cancelled).toBe(cancelled!.progress.cancelled);
  });
});

/** A model that keeps a worker busy for milliseconds per row: a chain of 192 MatMul+Tanh over one shared 512x512 weight. */
const WIDTH = 512;
const slowModel = () => slowChainModel(WIDTH, 192);

describe('inference under pressure', () => {
  const suite = serverFor(testDrivers[0]!, {
    settings: {
      maxJsonBytes: 16 * 1024 * 1024,
      inference: {
        workers: 1,
        maxQueue: 2,
        maxBatchSize: 1,
        maxQueueDelayUs: 0,
        leaseMs: 5_000,
        pollMs: 50,
        maxSessions: 8,
        chunkSize: 64,
        runJobs: true,
      },
    },
  });

  it('answers 429 RATE_LIMITED with Retry-After when the queue is full, and 504 when options.timeout passes', async () => {
    const model = await unwrap(uploadModel(suite.server.clientA, { model: slowModel(), name: 'slow' }));
    const rows = (n: number) => ({
      data: Array.from({ length: n * WIDTH }, (_, i) => (i % WIDTH) / WIDTH),
      shape: [n, WIDTH],
    });
    await unwrap(runInference(suite.server.clientA, { body: { model_id: model.id, input: rows(1) } }));
    // Occupy the only worker with a long request, so what follows has to queue.
    const long = runInference(suite.server.clientA, { body: { model_id: model.id, input: rows(1000) } });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const waited = await Promise.all(
      [1, 2].map(() =>
        runInference(suite.server.clientA, { body: { model_id: model.id, input: rows(1), options: { timeout: 1 } } }),
      ),
    );
    const timeout = await conformError('runInference', waited[0]!, 504, 'INFERENCE_TIMEOUT');
    expect(timeout.message).toMatch(/within 1 ms/);

    const burst = await Promise.all(
      Array.from({ length: 12 }, () =>
        runInference(suite.server.clientA, { body: { model_id: model.id, input: rows(1) } }),
      ),
    );
    const statuses = burst.map((result) => result.response?.status);
    expect(statuses.filter((status) => status === 200).length, statuses.join(',')).toBe(2);
    expect(statuses.filter((status) => status === 429).length, statuses.join(',')).toBe(10);
    const limited = burst.find((result) => result.response?.status === 429)!;
    const error = await conformError('runInference', limited, 429, 'RATE_LIMITED');
    expect(error.message).toMatch(/queue is full/);
    expect(limited.response!.headers.get('retry-after')).toBe('1');
    expect((await long).response?.status).toBe(200);
  });
});
