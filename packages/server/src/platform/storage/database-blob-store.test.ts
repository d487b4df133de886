/** The database blob store on every driver: files staged on disk go in by parts and come back whole. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { blobChunks } from '../db/schema.js';
import { createDatabaseBlobStore } from './database-blob-store.js';
import { sha256Checksum } from './sha256.js';

describe.each(testDrivers)('database blob store on $name', (driver) => {
  let handle: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    handle = await driver.create();
    dir = await mkdtemp(join(tmpdir(), 'cp-dbblobs-'));
  });
  afterAll(async () => {
    await handle?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a staged file in 4 MiB parts, reads it back whole, and deletes the parts with it', async () => {
    const blobs = createDatabaseBlobStore(handle.database.db);
    const bytes = randomBytes(9 * 1024 * 1024 + 5);
    const path = join(dir, 'model.upload');
    await writeFile(path, bytes);
    const file = { checksum: sha256Checksum(bytes), size: bytes.byteLength };
    expect(await blobs.putFile(path, file)).toEqual(file);
    expect(await blobs.putFile(path, file)).toEqual(file); // stored once
    const parts = async () =>
      (
        await handle.database.db.select({ n: count() }).from(blobChunks).where(eq(blobChunks.checksum, file.checksum))
      )[0]!.n;
    expect(await parts()).toBe(3);
    expect(Buffer.from(await blobs.get(file.checksum)).equals(bytes)).toBe(true);
    const streamed: Uint8Array[] = [];
    for await (const part of blobs.read(file.checksum)) streamed.push(part);
    expect(streamed.map((part) => part.byteLength)).toEqual([4 * 1024 * 1024, 4 * 1024 * 1024, 1024 * 1024 + 5]);
    expect(Buffer.concat(streamed).equals(bytes)).toBe(true);
    expect(await blobs.stats()).toEqual({ files: 1, bytes: bytes.byteLength });

    const small = await blobs.put(new Uint8Array([1, 2, 3]));
    expect([...(await blobs.get(small.checksum))]).toEqual([1, 2, 3]);
    await blobs.delete(file.checksum);
    expect(await blobs.has(file.checksum)).toBe(false);
    expect(await parts()).toBe(0);
    expect(await blobs.stats()).toEqual({ files: 1, bytes: 3 });
  });
});
