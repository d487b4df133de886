/**
 * The example app tested against @computeplane/mock: the stateful handlers run the reference server
 * in-process (no network), and typed overrides force the cases that are hard to produce for real.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { InternalServerError, unwrap } from '@computeplane/sdk';
import {
  isInferenceResult,
  iterateBatchResults,
  runInference,
  submitBatchInference,
  tensorBase64,
  waitForInferenceJob,
} from '@computeplane/sdk/inference';
import { errorBody, useMockComputeplane } from '@computeplane/mock';
import { catalog, modelExists, registerModel } from './catalog.js';

const fixture = (name: string) => new URL(`../../../fixtures/models/${name}`, import.meta.url).pathname;

// Each test starts on an empty mock with no overrides.
const cp = useMockComputeplane({ beforeAll, afterEach, afterAll });
const { client, server, http } = cp;

it('registers a model once, then finds it by checksum', async () => {
  const first = await registerModel(client, fixture('tiny-mlp.onnx'), ['a', 'b', 'c']);
  const second = await registerModel(client, fixture('tiny-mlp.onnx'));
  expect(first.created).toBe(true);
  expect(second).toEqual({ model: first.model, created: false });
  expect(await modelExists(client, first.model.id)).toBe(true);
});

it('lists real tensor signatures, and explains TorchScript models', async () => {
  await registerModel(client, fixture('tiny-mlp.onnx'));
  await registerModel(client, fixture('tiny.pt'));
  const entries = await catalog(client);
  expect(entries).toEqual([
    expect.objectContaining({ name: 'tiny', runnable: false, signature: expect.stringMatching(/TorchScript/) }),
    expect.objectContaining({
      name: 'tiny-mlp',
      runnable: true,
      signature: 'input:float32[batch,4] -> probabilities:float32[batch,3]',
    }),
  ]);
});

it("keeps tenants apart: another tenant's model does not exist", async () => {
  const { model } = await registerModel(client, fixture('regression.onnx'));
  const other = cp.clientWith({ apiKey: await cp.mock.createTenantKey('other') });
  expect(await modelExists(other, model.id)).toBe(false);
});

it('runs the registered model through the mock, batch jobs included', async () => {
  const { model } = await registerModel(client, fixture('tiny-mlp.onnx'), ['a', 'b', 'c']);
  const sync = await unwrap(
    runInference(client, { body: { model_id: model.id, input: { data: [0.1, 0.2, 0.3, 0.4], shape: [1, 4] } } }),
  );
  expect(isInferenceResult(sync) && (sync.result as { shape: number[] }).shape).toEqual([1, 3]);
  const { job_id } = await unwrap(
    submitBatchInference(client, {
      body: {
        model_id: model.id,
        inputs: [
          { data: [1, 2, 3, 4], shape: [1, 4] },
          { data: [4, 3, 2, 1], shape: [1, 4] },
        ],
      },
    }),
  );
  const job = await waitForInferenceJob(client, job_id, { intervalMs: 20, timeoutMs: 20_000 });
  expect(job.progress).toMatchObject({ total: 2, completed: 2 });
  // The same two rows stacked, as float32 bytes: the same results.
  const stacked = await unwrap(
    submitBatchInference(client, {
      body: { model_id: model.id, stacked_input: tensorBase64(Float32Array.from([1, 2, 3, 4, 4, 3, 2, 1]), [2, 4]) },
    }),
  );
  await waitForInferenceJob(client, stacked.job_id, { intervalMs: 20, timeoutMs: 20_000 });
  const results = async (id: string) => {
    const items = [];
    for await (const item of iterateBatchResults(client, id)) items.push(item.result);
    return items;
  };
  expect(await results(stacked.job_id)).toEqual(await results(job_id));
});

it('surfaces a forced server error as a typed error with its request id', async () => {
  server.use(
    http.models.get('/api/v1/models/{id}', ({ response }) =>
      response(404).json(errorBody('NOT_FOUND', 'gone', 'req_forced')),
    ),
  );
  expect(await modelExists(client, 'model_abcd')).toBe(false);
  server.use(
    http.models.get(
      '/api/v1/models/{id}',
      () =>
        new Response(JSON.stringify(errorBody('INTERNAL_ERROR', 'disk on fire', 'req_boom')), {
          status: 500,
          headers: { 'Content-Type': 'application/json' },
        }),
    ),
  );
  const failure = await modelExists(client, 'model_abcd').catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(InternalServerError);
  expect(failure).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', requestId: 'req_boom' });
});
