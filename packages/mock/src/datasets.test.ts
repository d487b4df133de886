/** The mock serves the datasets area as the reference server does: nothing in the mock is specific to it. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, unwrap } from '@computeplane/sdk';
import { getDataset, iterateDatasets, uploadDataset } from '@computeplane/sdk/datasets';
import { useMockComputeplane } from './use-mock-computeplane.js';

describe('datasets on the mock', () => {
  const { client } = useMockComputeplane({ beforeAll, afterEach, afterAll });

  it('uploads, reads back and lists a CSV dataset, and refuses a broken one naming its line', async () => {
    const csv = 'x,y,label\n0.5,1,0\n2,-1,1\n';
    const dataset = await unwrap(uploadDataset(client, { file: Buffer.from(csv), filename: 'xy.csv' }));
    expect(dataset).toMatchObject({ name: 'xy', rows: 2, columns: ['x', 'y'], label_type: 'class', num_classes: 2 });
    expect(await unwrap(getDataset(client, { params: { path: { id: dataset.id } } }))).toEqual(dataset);
    const listed = [];
    for await (const item of iterateDatasets(client)) listed.push(item.id);
    expect(listed).toEqual([dataset.id]);
    const { error } = await uploadDataset(client, { file: Buffer.from('x,label\n1\n'), filename: 'bad.csv' });
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).code).toBe('INVALID_DATASET');
    expect((error as BadRequestError).message).toMatch(/Line 2: 1 values where the header names 2 columns/);
  });
});
