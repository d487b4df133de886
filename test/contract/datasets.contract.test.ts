/** Contract: the datasets area through the SDK, against a real server, on both database drivers. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { deleteDataset, getDataset, iterateDatasets, listDatasets, uploadDataset } from '@computeplane/sdk/datasets';
import { testDrivers } from '@computeplane/test-support/databases';
import { datasetFixturePath } from '@computeplane/test-support/fixtures';
import { conform, conformError, serverFor } from './harness.js';

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const IRIS = readFileSync(datasetFixturePath('iris-small.csv'));

describe.each(testDrivers)('datasets contract on $name', (driver) => {
  const suite = serverFor(driver, { settings: { maxModelBytes: 64 * 1024 } });

  it('uploads a CSV file from a path with its exact metadata and stores it by checksum', async () => {
    const { data: dataset, response } = await conform(
      'uploadDataset',
      uploadDataset(suite.server.clientA, { file: datasetFixturePath('iris-small.csv') }),
    );
    expect(dataset).toEqual({
      id: expect.stringMatching(/^ds_[a-z0-9]{16}$/),
      name: 'iris-small',
      format: 'csv',
      size: IRIS.byteLength,
      checksum: sha256(IRIS),
      rows: 6,
      columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
      feature_count: 4,
      label_column: 'label',
      label_type: 'class',
      num_classes: 3,
      label_min: 0,
      label_max: 2,
      created_at: expect.any(String),
    });
    expect(response!.headers.get('location')).toBe(`/api/v1/datasets/${dataset!.id}`);
    expect(Buffer.from(await suite.server.blobs.get(dataset!.checksum)).equals(IRIS)).toBe(true);
  });

  it('uploads JSONL from a Buffer (format told by its content) with a named label column as a float target', async () => {
    const text = '{"x":1,"target":0.5,"y":-2}\n\n{"y":3,"x":1e-3,"target":-1.25}\n';
    const { data } = await conform(
      'uploadDataset',
      uploadDataset(suite.server.clientA, { file: Buffer.from(text), name: 'prices', label_column: 'target' }),
    );
    expect(data).toMatchObject({
      name: 'prices',
      format: 'jsonl',
      size: Buffer.byteLength(text),
      checksum: sha256(text),
      rows: 2,
      columns: ['x', 'y'],
      feature_count: 2,
      label_column: 'target',
      label_type: 'float',
      num_classes: null,
      label_min: -1.25,
      label_max: 0.5,
    });
  });

  it('uploads from a Blob and a stream, and takes `format` over the file name', async () => {
    const fromBlob = await unwrap(
      conform('uploadDataset', uploadDataset(suite.server.clientA, { file: new Blob([IRIS]), name: 'blob' })),
    );
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(IRIS.subarray(0, 7));
        controller.enqueue(IRIS.subarray(7));
        controller.close();
      },
    });
    const fromStream = await unwrap(
      conform(
        'uploadDataset',
        uploadDataset(suite.server.clientA, { file: stream, filename: 'data.jsonl', format: 'csv' }),
      ),
    );
    expect([fromBlob.checksum, fromStream.checksum]).toEqual([sha256(IRIS), sha256(IRIS)]);
    expect([fromBlob.format, fromStream.format, fromStream.name]).toEqual(['csv', 'csv', 'data']);
  });

  it.each([
    ['an empty file', '', 'e.csv', 'label', /The file is empty/],
    ['no header row', '1,2\n3,4\n', 'h.csv', 'label', /Line 1: expected a header row/],
    ['a missing label column', 'a,b\n1,2\n', 'l.csv', 'label', /Line 1: there is no label column 'label'/],
    ['another label column that is absent', 'a,label\n1,2\n', 'l.csv', 'y', /no label column 'y'/],
    ['a non-numeric feature', 'a,label\n1,0\nred,1\n', 'n.csv', 'label', /Line 3: .*'a' is not a number \('red'\)/],
    ['a missing value', 'a,b,label\n1,,0\n', 'm.csv', 'label', /Line 2: the value of column 'b' is missing/],
    ['a ragged row', 'a,b,label\n1,2,0\n\n1,2\n', 'r.csv', 'label', /Line 4: 2 values where the header names 3/],
    ['bad JSON', '{"a":1,"label":0}\n{"a":\n', 'j.jsonl', 'label', /Line 2 is not valid JSON/],
    [
      'inconsistent JSONL keys',
      '{"a":1,"label":0}\n{"a":1,"b":2,"label":0}\n',
      'k.jsonl',
      'label',
      /Line 2: its keys differ from the first row's; not in the first row: b/,
    ],
    ['a header without rows', 'a,label\n', 'z.csv', 'label', /no data rows/],
    ['a column name with U+0000', 'a\u0000,label\n1,0\n', 'u.csv', 'label', /name of column 1 contains U\+0000/],
  ] as const)(
    'refuses %s with 400 INVALID_DATASET and stores nothing',
    async (_name, text, filename, label, message) => {
      const before = await unwrap(listDatasets(suite.server.clientA));
      const files = await suite.server.blobs.stats();
      const error = await conformError(
        'uploadDataset',
        uploadDataset(suite.server.clientA, { file: Buffer.from(text), filename, label_column: label }),
        400,
        'INVALID_DATASET',
      );
      expect(error.message).toMatch(message);
      expect((await unwrap(listDatasets(suite.server.clientA))).total).toBe(before.total);
      expect(await suite.server.blobs.stats()).toEqual(files);
    },
  );

  it('refuses a request without a file, an empty label column and an unknown format with 400 VALIDATION_ERROR', async () => {
    const form = new FormData();
    form.set('name', 'no-file');
    const response = await fetch(`${suite.server.baseUrl}/api/v1/datasets`, {
      method: 'POST',
      headers: { 'X-API-Key': suite.server.keyA },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_ERROR');
    await conformError(
      'uploadDataset',
      uploadDataset(suite.server.clientA, { file: IRIS, label_column: '' }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError(
      'uploadDataset',
      uploadDataset(suite.server.clientA, { file: IRIS, format: 'parquet' as never }),
      400,
      'VALIDATION_ERROR',
    );
  });

  it('refuses a file over the upload limit with 413', async () => {
    const big = `a,label\n${'1,0\n'.repeat(20_000)}`;
    const error = await conformError(
      'uploadDataset',
      uploadDataset(suite.server.clientA, { file: Buffer.from(big), filename: 'big.csv' }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(error.message).toMatch(/uploaded file is larger than this server accepts \(65536 bytes, MAX_MODEL_BYTES\)/);
  });

  it('gets, lists with pagination, and hides other tenants', async () => {
    const dataset = await unwrap(uploadDataset(suite.server.clientA, { file: IRIS, name: 'listed' }));
    const { data: fetched } = await conform(
      'getDataset',
      getDataset(suite.server.clientA, { params: { path: { id: dataset.id } } }),
    );
    expect(fetched).toEqual(dataset);
    await conformError(
      'getDataset',
      getDataset(suite.server.clientB, { params: { path: { id: dataset.id } } }),
      404,
      'NOT_FOUND',
    );
    await conformError(
      'deleteDataset',
      deleteDataset(suite.server.clientB, { params: { path: { id: dataset.id } } }),
      404,
      'NOT_FOUND',
    );

    const { data: page } = await conform(
      'listDatasets',
      listDatasets(suite.server.clientA, { params: { query: { limit: 2, offset: 1 } } }),
    );
    expect(page).toMatchObject({ limit: 2, offset: 1 });
    expect(page!.datasets).toHaveLength(2);
    expect(page!.total).toBeGreaterThanOrEqual(4);
    const all = [];
    for await (const item of iterateDatasets(suite.server.clientA, {}, 2)) all.push(item);
    expect(all).toHaveLength(page!.total);
    expect(all[0]!.id).toBe(dataset.id); // newest first
    expect(page!.datasets.map((d) => d.id)).toEqual(all.slice(1, 3).map((d) => d.id));
    const other = await unwrap(conform('listDatasets', listDatasets(suite.server.clientB)));
    expect(other).toEqual({ datasets: [], total: 0, limit: 100, offset: 0 });
    await conformError(
      'listDatasets',
      listDatasets(suite.server.clientA, { params: { query: { limit: 0 } } }),
      400,
      'VALIDATION_ERROR',
    );
    await conformError('listDatasets', listDatasets(suite.server.anonymous), 401, 'AUTH_REQUIRED');
  });

  it('deletes a dataset, keeping its file while another dataset (of any tenant) has the same content', async () => {
    const text = 'f,label\n0.5,1\n';
    const first = await unwrap(uploadDataset(suite.server.clientA, { file: Buffer.from(text), filename: 'd.csv' }));
    const second = await unwrap(uploadDataset(suite.server.clientB, { file: Buffer.from(text), filename: 'd.csv' }));
    expect(second.checksum).toBe(first.checksum);
    const { response } = await conform(
      'deleteDataset',
      deleteDataset(suite.server.clientA, { params: { path: { id: first.id } } }),
    );
    expect(response!.status).toBe(204);
    await conformError(
      'getDataset',
      getDataset(suite.server.clientA, { params: { path: { id: first.id } } }),
      404,
      'NOT_FOUND',
    );
    expect(await suite.server.blobs.has(first.checksum)).toBe(true);
    await unwrap(deleteDataset(suite.server.clientB, { params: { path: { id: second.id } } }));
    expect(await suite.server.blobs.has(first.checksum)).toBe(false);
    await conformError(
      'deleteDataset',
      deleteDataset(suite.server.clientB, { params: { path: { id: second.id } } }),
      404,
      'NOT_FOUND',
    );
  });
});
