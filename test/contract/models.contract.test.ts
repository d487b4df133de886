/** Contract: the models area through the SDK, against a real server, on both database drivers. */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import {
  deleteModel,
  getModel,
  iterateModels,
  listModels,
  updateModelSchema,
  uploadModel,
} from '@computeplane/sdk/models';
import { refuseModelsNamed, testDrivers } from '@computeplane/test-support/databases';
import { fixtureBytes, fixturePath } from '@computeplane/test-support/fixtures';
import { encodeModel } from '../../scripts/fixtures/onnx-graph.js';
import { largeOnnxModel } from '../../scripts/bench/large-model.js';
import { conform, conformError, serverFor } from './harness.js';

describe.each(testDrivers)('models contract on $name', (driver) => {
  const suite = serverFor(driver, { settings: { maxModelBytes: 64 * 1024 } });

  it('uploads an ONNX model from a path and records its real tensors and checksum', async () => {
    const { data: model } = await conform(
      'uploadModel',
      uploadModel(suite.server.clientA, {
        model: fixturePath('tiny-mlp.onnx'),
        name: 'iris',
        labels: ['setosa', 'versicolor', 'virginica'],
        postprocessing: 'top_k_labels',
      }),
    );
    const sha = createHash('sha256').update(fixtureBytes('tiny-mlp.onnx')).digest('hex');
    expect(model).toMatchObject({
      name: 'iris',
      format: 'onnx',
      size: fixtureBytes('tiny-mlp.onnx').byteLength,
      checksum: `sha256:${sha}`,
      executable: true,
      execution_note: null,
      inputs: [{ name: 'input', type: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'probabilities', type: 'float32', shape: ['batch', 3] }],
      input_shape: [-1, 4],
      output_shape: [-1, 3],
      labels: ['setosa', 'versicolor', 'virginica'],
      postprocessing: 'top_k_labels',
    });
    expect(await suite.server.blobs.has(model!.checksum)).toBe(true);
  });

  it('uploads from a Buffer, a Blob and a stream, each with the same checksum', async () => {
    const bytes = fixtureBytes('regression.onnx');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 10));
        controller.enqueue(bytes.subarray(10));
        controller.close();
      },
    });
    const results = [
      await unwrap(
        conform('uploadModel', uploadModel(suite.server.clientA, { model: Buffer.from(bytes), name: 'from-buffer' })),
      ),
      await unwrap(
        conform('uploadModel', uploadModel(suite.server.clientA, { model: new Blob([bytes]), name: 'from-blob' })),
      ),
      await unwrap(conform('uploadModel', uploadModel(suite.server.clientA, { model: stream, name: 'from-stream' }))),
    ];
    expect(new Set(results.map((model) => model.checksum)).size).toBe(1);
    expect(results.map((model) => model.inputs[0]?.name)).toEqual(['features', 'features', 'features']);
  });

  it('keeps a TorchScript file and says plainly that it cannot run it', async () => {
    const { data } = await conform(
      'uploadModel',
      uploadModel(suite.server.clientA, { model: fixturePath('tiny.pt'), format: 'torchscript' }),
    );
    expect(data).toMatchObject({ name: 'tiny', format: 'torchscript', executable: false, inputs: [], outputs: [] });
    expect(data!.execution_note).toMatch(/TorchScript/);
  });

  it('rejects a file that is not an ONNX model with INVALID_MODEL', async () => {
    const error = await conformError(
      'uploadModel',
      uploadModel(suite.server.clientA, { model: fixturePath('not-a-model.onnx') }),
      400,
      'INVALID_MODEL',
    );
    expect(error.message).toMatch(/not a valid ONNX model/i);
  });

  it('says why ONNX Runtime refused a model without its source paths', async () => {
    // A graph whose output no node makes: ONNX Runtime's message starts with /onnxruntime_src/.../graph.cc:<line>.
    const broken = encodeModel({
      name: 'broken',
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', 4] }],
      initializers: [],
      nodes: [],
    });
    const error = await conformError(
      'uploadModel',
      uploadModel(suite.server.clientA, { model: broken, name: 'broken' }),
      400,
      'INVALID_MODEL',
    );
    expect(error.message).toMatch(/This is an invalid model\. Graph output \(y\) does not exist in the graph\./);
    expect(error.message).not.toMatch(/onnxruntime_src|\.cc:\d|onnxruntime::/);
  });

  it('refuses a model with a fixed dimension beyond 2147483647, which no request could feed', async () => {
    const error = await conformError(
      'uploadModel',
      uploadModel(suite.server.clientA, { model: fixturePath('huge-dimension.onnx') }),
      400,
      'INVALID_MODEL',
    );
    expect(error.message).toMatch(/input 'x' dimension 1 is 4611686018427387904.*beyond 2147483647/);
    expect(error.details).toEqual([{ path: 'body.model', message: expect.stringMatching(/dimension 1/) }]);
    const { data } = await conform('listModels', listModels(suite.server.clientA));
    expect(data!.models.map((model) => model.name)).not.toContain('huge-dimension');
  });

  it('rejects a file over the size limit with 413', async () => {
    await conformError(
      'uploadModel',
      uploadModel(suite.server.clientA, { model: new Uint8Array(70 * 1024), name: 'big' }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('rejects declared shapes that contradict the model', async () => {
    const error = await conformError(
      'uploadModel',
      uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx'), input_shape: [-1, 5] }),
      400,
      'VALIDATION_ERROR',
    );
    expect(error.message).toMatch(/input_shape/);
  });

  it('gets, lists with pagination and filters, and hides other tenants', async () => {
    const model = await unwrap(
      uploadModel(suite.server.clientA, { model: fixturePath('multi-input.onnx'), name: 'pair' }),
    );
    const { data: fetched } = await conform(
      'getModel',
      getModel(suite.server.clientA, { params: { path: { id: model.id } } }),
    );
    expect(fetched).toEqual(model);
    await conformError(
      'getModel',
      getModel(suite.server.clientB, { params: { path: { id: model.id } } }),
      404,
      'NOT_FOUND',
    );

    const { data: page } = await conform(
      'listModels',
      listModels(suite.server.clientA, { params: { query: { limit: 2, offset: 0 } } }),
    );
    expect(page!.models).toHaveLength(2);
    expect(page!.total).toBeGreaterThanOrEqual(5);
    const all = [];
    for await (const item of iterateModels(suite.server.clientA, {}, 2)) all.push(item.id);
    expect(all).toHaveLength(page!.total);
    expect(new Set(all).size).toBe(all.length);
    const torch = await unwrap(listModels(suite.server.clientA, { params: { query: { format: 'torchscript' } } }));
    expect(torch.models.map((m) => m.format)).toEqual(['torchscript']);
    const other = await unwrap(conform('listModels', listModels(suite.server.clientB)));
    expect(other.total).toBe(0);
  });

  it('updates schemas, labels and adapters, and clears them with null', async () => {
    const model = await unwrap(
      uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx'), name: 'patched' }),
    );
    const input_schema = { type: 'array', items: { type: 'number' }, minItems: 4 };
    const { data: updated } = await conform(
      'updateModelSchema',
      updateModelSchema(suite.server.clientA, {
        params: { path: { id: model.id } },
        body: { input_schema, labels: ['a', 'b', 'c'], preprocessing: 'tabular' },
      }),
    );
    expect(updated).toMatchObject({ input_schema, labels: ['a', 'b', 'c'], preprocessing: 'tabular' });
    expect(Date.parse(updated!.updated_at)).toBeGreaterThanOrEqual(Date.parse(model.updated_at));
    const cleared = await unwrap(
      updateModelSchema(suite.server.clientA, { params: { path: { id: model.id } }, body: { labels: null } }),
    );
    expect(cleared.labels).toBeNull();
    expect(cleared.input_schema).toEqual(input_schema);
    await conformError(
      'updateModelSchema',
      updateModelSchema(suite.server.clientA, {
        params: { path: { id: model.id } },
        body: { input_schema: { type: 'not-a-type' } },
      }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'updateModelSchema',
      updateModelSchema(suite.server.clientA, { params: { path: { id: model.id } }, body: {} }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'updateModelSchema',
      updateModelSchema(suite.server.clientB, { params: { path: { id: model.id } }, body: { labels: [] } }),
      404,
      'NOT_FOUND',
    );
  });

  it('deletes a model (204), after which it is gone and its file is released', async () => {
    const bytes = fixtureBytes('fixed-batch.onnx');
    const model = await unwrap(uploadModel(suite.server.clientA, { model: bytes, name: 'doomed' }));
    await conformError(
      'deleteModel',
      deleteModel(suite.server.clientB, { params: { path: { id: model.id } } }),
      404,
      'NOT_FOUND',
    );
    const result = await conform(
      'deleteModel',
      deleteModel(suite.server.clientA, { params: { path: { id: model.id } } }),
    );
    expect(result.response?.status).toBe(204);
    await conformError(
      'getModel',
      getModel(suite.server.clientA, { params: { path: { id: model.id } } }),
      404,
      'NOT_FOUND',
    );
    expect(await suite.server.blobs.has(model.checksum)).toBe(false);
  });

  it('stores no file when the record cannot be saved, and never removes a file another model uses', async () => {
    // A database that refuses the record after every check of the file passed: a trigger on the real table.
    await refuseModelsNamed((statement) => suite.server.database.db.execute(sql.raw(statement)), 'refused');
    const bytes = largeOnnxModel(4 * 1237); // a file no other test uploads
    const checksum = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const before = await suite.server.blobs.stats();
    const failed = await uploadModel(suite.server.clientA, { model: bytes, name: 'refused' });
    expect(failed.response?.status).toBe(500);
    expect(await suite.server.blobs.has(checksum)).toBe(false);
    expect(await suite.server.blobs.stats()).toEqual(before);

    const kept = await unwrap(uploadModel(suite.server.clientA, { model: bytes, name: 'kept' }));
    const failedAgain = await uploadModel(suite.server.clientB, { model: bytes, name: 'refused' });
    expect(failedAgain.response?.status).toBe(500);
    expect(await suite.server.blobs.has(kept.checksum)).toBe(true);
  });

  it('replays a POST with the same Idempotency-Key instead of storing the model twice', async () => {
    const key = `upload-${driver.name}-${Date.now()}`;
    const first = await conform(
      'uploadModel',
      uploadModel(
        suite.server.clientA,
        { model: fixturePath('token-classifier.onnx'), name: 'once' },
        { idempotencyKey: key },
      ),
    );
    const second = await conform(
      'uploadModel',
      uploadModel(
        suite.server.clientA,
        { model: fixturePath('token-classifier.onnx'), name: 'once' },
        { idempotencyKey: key },
      ),
    );
    expect(second.data).toEqual(first.data);
    expect(second.response?.headers.get('idempotent-replayed')).toBe('true');
    const named = (
      await unwrap(listModels(suite.server.clientA, { params: { query: { limit: 1000 } } }))
    ).models.filter((m) => m.name === 'once');
    expect(named).toHaveLength(1);
    const error = await conformError(
      'uploadModel',
      uploadModel(
        suite.server.clientA,
        { model: fixturePath('token-classifier.onnx'), name: 'different' },
        { idempotencyKey: key },
      ),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(error.message).toMatch(/different request/);
  });

  it('requires a key: 401 AUTH_REQUIRED without one, AUTH_INVALID with a wrong one', async () => {
    await conformError('listModels', listModels(suite.server.anonymous), 401, 'AUTH_REQUIRED');
    await conformError('listModels', listModels(suite.server.client({ apiKey: 'cp_live_wrong' })), 401, 'AUTH_INVALID');
    const bearer = await conform(
      'listModels',
      listModels(suite.server.client({ apiKey: suite.server.keyA, authStyle: 'bearer' })),
    );
    expect(bearer.data?.total).toBeGreaterThan(0);
  });
});
