/**
 * Reading a stored dataset for training: every row, in order, with exact values, pulled from the blob
 * store as the rows are consumed, so memory stays bounded whatever the file's size.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../platform/storage/blob-store.js';
import { createLocalBlobStore } from '../../platform/storage/local-blob-store.js';
import { readDatasetRows } from './read-dataset-rows.js';

const ROWS = 200_000;
// Values that only an exact parse gives back: thirds, sevenths, large and tiny exponents.
const featuresOf = (i: number) => [i / 3, -(i + 1) / 7, i * 1e-300, (i % 97) * 1.1];
const labelOf = (i: number) => i % 5;

/** Counts the bytes the reader has pulled from the store. */
function counting(blobs: BlobStore) {
  const counter = { pulled: 0 };
  const store: BlobStore = {
    ...blobs,
    async *read(checksum) {
      for await (const part of blobs.read(checksum)) {
        counter.pulled += part.byteLength;
        yield part;
      }
    },
  };
  return { store, counter };
}

describe('readDatasetRows', () => {
  let dir: string;
  let blobs: BlobStore;
  const lineEnds: number[] = []; // byte offset where each data row ends
  let csv = { checksum: '', size: 0 };
  let jsonl = { checksum: '', size: 0 };

  const store = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    const checksum = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    return blobs.putFile(path, { checksum, size: Buffer.byteLength(text) });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cp-dataset-rows-'));
    blobs = createLocalBlobStore(join(dir, 'blobs'));
    const lines = ['a,b,label,c,d'];
    let offset = lines[0]!.length + 1;
    const jsonLines: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      const [a, b, c, d] = featuresOf(i).map(String);
      const line = `${a},${b},${labelOf(i)},${c},${d}`;
      lines.push(line);
      offset += line.length + 1;
      lineEnds.push(offset);
      if (i < 1000) jsonLines.push(JSON.stringify({ a: featuresOf(i)[0], b: featuresOf(i)[1], label: labelOf(i) }));
    }
    csv = await store('big.csv', `${lines.join('\n')}\n`);
    jsonl = await store('small.jsonl', `${jsonLines.join('\n')}\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(`reads ${ROWS} CSV rows in order with exact values, never more than 1 MiB ahead of the rows read`, async () => {
    expect(csv.size).toBeGreaterThan(10 * 1024 * 1024);
    const { store: reader, counter } = counting(blobs);
    let i = 0;
    let furthestAhead = 0;
    for await (const row of readDatasetRows(reader, { checksum: csv.checksum, format: 'csv', labelColumn: 'label' })) {
      expect(row.features).toEqual(featuresOf(i));
      expect(row.label).toBe(labelOf(i));
      furthestAhead = Math.max(furthestAhead, counter.pulled - lineEnds[i]!);
      i += 1;
    }
    expect(i).toBe(ROWS);
    expect(counter.pulled).toBe(csv.size);
    expect(furthestAhead).toBeLessThan(1024 * 1024);
  });

  it('reads JSONL rows with the features in the first row’s key order', async () => {
    const rows = [];
    for await (const row of readDatasetRows(blobs, { checksum: jsonl.checksum, format: 'jsonl', labelColumn: 'label' }))
      rows.push(row);
    expect(rows).toHaveLength(1000);
    expect(rows[999]).toEqual({ features: featuresOf(999).slice(0, 2), label: labelOf(999) });
  });

  it('stops reading the file when the consumer stops early', async () => {
    const { store: reader, counter } = counting(blobs);
    for await (const row of readDatasetRows(reader, { checksum: csv.checksum, format: 'csv', labelColumn: 'label' }))
      if (row.label === 4) break;
    expect(counter.pulled).toBeLessThan(1024 * 1024);
  });
});
