/**
 * Contract: values the model's element types cannot hold. An input that is not finite in its element type
 * (or not an integer in range for an integer type) is a 400 naming the input and the element, for every
 * way of sending it; a result that is not finite fails its task (sync: 422 NON_FINITE_RESULT), never a
 * `null` in a tensor.
 */
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  iterateBatchResults,
  runInference,
  submitBatchInference,
  waitForInferenceJob,
} from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, contractInferenceSettings, serverFor } from './harness.js';

const f32Base64 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');

describe.each(testDrivers)('inference values on $name', (driver) => {
  const suite = serverFor(driver, {
    settings: { inference: contractInferenceSettings },
  });
  const upload = async (file: string, extra: Record<string, unknown> = {}) =>
    unwrap(uploadModel(suite.server.clientA, { model: fixturePath(file), ...extra }));
  const rejectSync = async (body: unknown) =>
    conformError('runInference', runInference(suite.server.clientA, { body: body as never }), 400, 'VALIDATION_ERROR');
  const rejectBatch = async (body: unknown) =>
    conformError(
      'submitBatchInference',
      submitBatchInference(suite.server.clientA, { body: body as never }),
      400,
      'VALIDATION_ERROR',
    );
  const batchResults = async (jobId: string) => {
    const job = await waitForInferenceJob(suite.server.clientA, jobId, { intervalMs: 20, timeoutMs: 30_000 });
    const results = [];
    for await (const item of iterateBatchResults(suite.server.clientA, jobId, 100)) results.push(item);
    return { job, results };
  };

  it('rejects floats beyond float32 in data, for sync, async, batch inputs and stacked_input', async () => {
    const model = await upload('tiny-mlp.onnx');
    const input = { data: [1e39, 1, 1, 1], shape: [1, 4] };
    for (const body of [
      { model_id: model.id, input },
      { model_id: model.id, input, async: true },
    ]) {
      const error = await rejectSync(body);
      expect(error.message).toMatch(/input\.data\[0\].*1e\+39.*float32/);
      expect(error.details).toEqual([{ path: 'body.input.data[0]', message: expect.stringMatching(/input/) }]);
    }
    expect(
      (await rejectSync({ model_id: model.id, input: { data: [1, 1, -4e38, 1], shape: [1, 4] } })).message,
    ).toMatch(/data\[2\]/);
    const ok = { data: [1, 2, 3, 4], shape: [1, 4] };
    expect((await rejectBatch({ model_id: model.id, inputs: [ok, ok, input] })).message).toMatch(
      /inputs\[2\]\.input\.data\[0\]/,
    );
    expect(
      (await rejectBatch({ model_id: model.id, stacked_input: { data: [1, 2, 3, 4, 5, 6, 7, 3.5e38], shape: [2, 4] } }))
        .message,
    ).toMatch(/stacked_input\.data\[7\]/);
    // The largest float32 is still accepted.
    await unwrap(
      runInference(suite.server.clientA, {
        body: { model_id: model.id, input: { data: [3.4028234663852886e38, 0, 0, 0], shape: [1, 4] } },
      }),
    );
  });

  it('rejects NaN and Infinity bytes in data_base64, sync and stacked', async () => {
    const model = await upload('tiny-mlp.onnx');
    expect(
      (await rejectSync({ model_id: model.id, input: { data_base64: f32Base64([1, 2, NaN, 4]), shape: [1, 4] } }))
        .message,
    ).toMatch(/input\.data_base64.*element 2 is NaN/);
    expect(
      (
        await rejectBatch({
          model_id: model.id,
          stacked_input: { data_base64: f32Base64([1, 2, 3, 4, 5, Infinity, 7, 8]), shape: [2, 4] },
        })
      ).message,
    ).toMatch(/stacked_input\.data_base64.*element 5 is Infinity/);
  });

  it('rejects values a preprocessing adapter turns into floats beyond float32', async () => {
    const tabular = await upload('tiny-mlp.onnx', { preprocessing: 'tabular' });
    const error = await rejectSync({
      model_id: tabular.id,
      input: {
        rows: [
          [1, 2, 3, 4],
          [1, 1e39, 1, 1],
        ],
      },
    });
    expect(error.message).toMatch(/tabular.*element 5.*1e\+39.*float32/);
    expect(error.details).toEqual([{ path: 'body.input', message: expect.stringMatching(/tabular/) }]);
    expect((await rejectBatch({ model_id: tabular.id, inputs: [{ features: [1e39, 1, 1, 1] }] })).message).toMatch(
      /inputs\[0\]\.input|inputs\[0\]: .*tabular/,
    );
    const images = await upload('image-classifier.onnx', { preprocessing: 'image_classification' });
    const pixels = Array.from({ length: 48 }, (_, i) => (i === 3 ? 1e300 : i));
    expect(
      (await rejectSync({ model_id: images.id, input: { pixels, width: 4, height: 4, channels: 3 } })).message,
    ).toMatch(/image_classification.*float32/);
  });

  it('rejects integer inputs out of the element type’s range or not integers', async () => {
    const model = await upload('token-classifier.onnx');
    const ids = (first: number) => ({ data: [first, 1, 2, 3, 4, 5, 6, 7], shape: [1, 8] });
    for (const bad of [1.5, 2 ** 60, -1e300]) {
      expect((await rejectSync({ model_id: model.id, input: ids(bad) })).message).toMatch(
        /input\.data\[0\].*integer.*int64/,
      );
    }
    const tokens = await upload('token-classifier.onnx', { preprocessing: 'text_tokens' });
    expect((await rejectSync({ model_id: tokens.id, input: { tokens: [1, 2 ** 60] } })).message).toMatch(
      /text_tokens.*element 1.*int64/,
    );
  });

  it('reports a result that is not finite as 422 NON_FINITE_RESULT, never as null', async () => {
    const model = await upload('reciprocal.onnx');
    const error = await conformError(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: model.id, input: { data: [2, 0], shape: [1, 2] } } }),
      422,
      'NON_FINITE_RESULT',
    );
    expect(error.message).toMatch(/output 'y'.*element 1.*Infinity/);
    const { data } = await conform(
      'runInference',
      runInference(suite.server.clientA, { body: { model_id: model.id, input: { data: [2, 4], shape: [1, 2] } } }),
    );
    expect((data as { result: unknown }).result).toEqual({ data: [0.5, 0.25], shape: [1, 2] });

    const regression = await upload('reciprocal.onnx', { postprocessing: 'regression' });
    await conformError(
      'runInference',
      runInference(suite.server.clientA, {
        body: { model_id: regression.id, input: { data: [0, 1], shape: [1, 2] } },
      }),
      422,
      'NON_FINITE_RESULT',
    );
  });

  it('fails an async job whose result is not finite, with the message', async () => {
    const model = await upload('reciprocal.onnx');
    const accepted = await unwrap(
      runInference(suite.server.clientA, {
        body: { model_id: model.id, input: { data: [0, 1], shape: [1, 2] }, async: true },
      }),
    );
    const job = await waitForInferenceJob(suite.server.clientA, (accepted as { job_id: string }).job_id, {
      intervalMs: 20,
      timeoutMs: 30_000,
    });
    expect(job).toMatchObject({ status: 'failed', result: null, error: expect.stringMatching(/NON_FINITE_RESULT/) });
  });

  it('fails the batch tasks whose results are not finite, stacked, stored stacked, per item and adapted', async () => {
    const model = await upload('reciprocal.onnx');
    const rows = [
      [1, 2],
      [0, 1],
      [4, 8],
      [-1, 0],
    ];
    const expectTasks = (results: { index: number; status: string; result: unknown; error: unknown }[]) => {
      expect(results.map((item) => item.status)).toEqual(['completed', 'failed', 'completed', 'failed']);
      for (const item of results.filter((r) => r.status === 'failed')) {
        expect(item.result).toBeNull();
        expect(item.error).toMatch(/NON_FINITE_RESULT.*output 'y'/);
      }
      expect(JSON.stringify(results)).not.toMatch(/\[[^\]]*null/);
    };
    const stacked = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, stacked_input: { data: rows.flat(), shape: [4, 2] } },
      }),
    );
    const fromStacked = await batchResults(stacked.job_id);
    expect(fromStacked.job.progress).toMatchObject({ total: 4, completed: 2, failed: 2 });
    expectTasks(fromStacked.results);
    expect(fromStacked.results[0]!.result).toEqual({ data: [1, 0.5], shape: [1, 2] });

    const oneRowItems = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: model.id, inputs: rows.map((row) => ({ data: row, shape: [1, 2] })) },
      }),
    );
    expectTasks((await batchResults(oneRowItems.job_id)).results);

    // An item of two rows keeps the batch per item.
    const perItem = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: {
          model_id: model.id,
          inputs: [
            { data: [1, 2, 3, 4], shape: [2, 2] },
            { data: [0, 1], shape: [1, 2] },
            { data: [4, 8], shape: [1, 2] },
            { data: [1, 1, 1, 0], shape: [2, 2] },
          ],
        },
      }),
    );
    expectTasks((await batchResults(perItem.job_id)).results);

    const adapted = await upload('reciprocal.onnx', { postprocessing: 'regression' });
    const withAdapter = await unwrap(
      submitBatchInference(suite.server.clientA, {
        body: { model_id: adapted.id, inputs: rows.map((row) => ({ data: row, shape: [1, 2] })) },
      }),
    );
    expectTasks((await batchResults(withAdapter.job_id)).results);
  });
});
