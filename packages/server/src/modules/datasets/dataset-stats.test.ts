/** Dataset checks at upload: what a valid CSV or JSONL file yields, and each rule's 400 with its line. */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../../platform/http/problem.js';
import { datasetStats, MAX_CLASSES } from './dataset-stats.js';

const statsOf = (text: string, format: 'csv' | 'jsonl', label = 'label') =>
  datasetStats(Readable.from([Buffer.from(text)]), format, label);

async function problemOf(text: string, format: 'csv' | 'jsonl', label = 'label') {
  const error = await statsOf(text, format, label).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiProblem);
  expect({ status: (error as ApiProblem).status, code: (error as ApiProblem).code }).toEqual({
    status: 400,
    code: 'INVALID_DATASET',
  });
  return (error as ApiProblem).message;
}

describe('dataset stats', () => {
  it('reads a CSV file: feature columns in order, rows, integer labels as classes', async () => {
    const csv = '\uFEFFa,label,b\r\n1.5,2,-3e2\r\n\r\n"0.25",0,4\n7,2,.5\n';
    expect(await statsOf(csv, 'csv')).toEqual({
      columns: ['a', 'b'],
      rows: 3,
      labelType: 'class',
      numClasses: 2,
      labelMin: 0,
      labelMax: 2,
    });
  });

  it('reads a JSONL file with keys in any order and float labels as a regression target', async () => {
    const jsonl = '{"x":1,"y":2,"target":0.5}\n\n{"target":-1,"y":3.25,"x":0}\n';
    expect(await statsOf(jsonl, 'jsonl', 'target')).toEqual({
      columns: ['x', 'y'],
      rows: 2,
      labelType: 'float',
      numClasses: null,
      labelMin: -1,
      labelMax: 0.5,
    });
  });

  it(`counts more than ${MAX_CLASSES} distinct integer labels as a float target`, async () => {
    const lines = Array.from({ length: MAX_CLASSES + 1 }, (_, i) => `1,${i}`);
    const stats = await statsOf(`f,label\n${lines.join('\n')}\n`, 'csv');
    expect(stats).toMatchObject({ labelType: 'float', numClasses: null, labelMin: 0, labelMax: MAX_CLASSES });
  });

  it('refuses a binary file (an ONNX model) as CSV with 400, not a parser crash', async () => {
    const onnx = readFileSync(fixturePath('tiny-mlp.onnx'));
    const error = await datasetStats(Readable.from([onnx]), 'csv', 'label').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).code).toBe('INVALID_DATASET');
    expect((error as ApiProblem).message).toMatch(/^Not a valid CSV file: Invalid Opening Quote/);
  });

  it.each([
    ['an empty CSV file', '\n\n', 'csv', 'label', /empty/],
    ['an empty JSONL file', '  \n', 'jsonl', 'label', /empty/],
    ['a column name with U+0000', 'a\u0000b,label\n1,0\n', 'csv', 'label', /name of column 1 contains U\+0000/],
    ['a JSONL key with U+0000', '{"a\\u0000":1,"label":0}\n', 'jsonl', 'label', /name of column 1 contains U\+0000/],
    ['a header and no rows', 'a,label\n', 'csv', 'label', /no data rows/],
    ['no header row', '1,2\n3,4\n', 'csv', 'label', /Line 1: expected a header row/],
    [
      'a missing label column',
      'a,b\n1,2\n',
      'csv',
      'label',
      /Line 1: there is no label column 'label' \(columns: a, b\)/,
    ],
    ['a custom label column that is absent', 'a,label\n1,2\n', 'csv', 'y', /no label column 'y'/],
    ['no feature column', 'label\n1\n', 'csv', 'label', /no feature column/],
    ['a duplicate column', 'a,a,label\n1,2,3\n', 'csv', 'label', /column 'a' appears twice/],
    [
      'a non-numeric feature',
      'a,label\n1,0\nabc,1\n',
      'csv',
      'label',
      /Line 3: the value of column 'a' is not a number \('abc'\)/,
    ],
    ['a hex value', 'a,label\n0x1F,0\n', 'csv', 'label', /Line 2: .*'a' is not a number/],
    ['a non-numeric label', 'a,label\n1,cat\n', 'csv', 'label', /Line 2: the value of column 'label' is not a number/],
    ['a missing value', 'a,b,label\n1,2,0\n1,,0\n', 'csv', 'label', /Line 3: the value of column 'b' is missing/],
    ['a ragged row', 'a,b,label\n1,2,0\n1,2\n', 'csv', 'label', /Line 3: 2 values where the header names 3 columns/],
    ['an unclosed quote', 'a,label\n"1,0\n', 'csv', 'label', /Not a valid CSV file/],
    ['bad JSON', '{"a":1,"label":0}\n{"a":2,"label":\n', 'jsonl', 'label', /Line 2 is not valid JSON/],
    ['a JSON array line', '[1,2]\n', 'jsonl', 'label', /Line 1: expected a JSON object/],
    [
      'inconsistent JSONL keys',
      '{"a":1,"label":0}\n{"b":1,"label":0}\n',
      'jsonl',
      'label',
      /Line 2: its keys differ from the first row's; missing: a; not in the first row: b/,
    ],
    [
      'a JSONL string feature',
      '{"a":"1","label":0}\n',
      'jsonl',
      'label',
      /Line 1: the value of 'a' is not a number \("1"\)/,
    ],
    [
      'a JSONL null value',
      '{"a":1,"label":0}\n{"a":null,"label":1}\n',
      'jsonl',
      'label',
      /Line 2: the value of 'a' is missing/,
    ],
    ['a JSONL missing label', '{"a":1}\n', 'jsonl', 'label', /Line 1: there is no label column 'label'/],
  ] as const)('refuses %s', async (_name, text, format, label, message) => {
    expect(await problemOf(text, format, label)).toMatch(message);
  });
});
