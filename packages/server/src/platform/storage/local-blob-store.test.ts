import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from './local-blob-store.js';
import { sha256Checksum } from './sha256.js';

describe('local blob store', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-blobs-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores content-addressed files once, reads them back and deletes them', async () => {
    const blobs = createLocalBlobStore(root);
    const bytes = new TextEncoder().encode('hello');
    const stored = await blobs.put(bytes);
    expect(stored).toEqual({ checksum: sha256Checksum(bytes), size: 5 });
    expect(await blobs.put(bytes)).toEqual(stored);
    expect(await blobs.has(stored.checksum)).toBe(true);
    expect(new TextDecoder().decode(await blobs.get(stored.checksum))).toBe('hello');
    await blobs.delete(stored.checksum);
    expect(await blobs.has(stored.checksum)).toBe(false);
    await expect(blobs.get(stored.checksum)).rejects.toThrow();
  });

  it('takes a staged file without copying it into memory, leaves the staged file, and names its path', async () => {
    const blobs = createLocalBlobStore(join(root, 'store'));
    const staged = join(root, 'staged.upload');
    await writeFile(staged, 'model bytes');
    const file = { checksum: sha256Checksum(new TextEncoder().encode('model bytes')), size: 11 };
    expect(await blobs.putFile(staged, file)).toEqual(file);
    expect(await readFile(staged, 'utf8')).toBe('model bytes');
    const path = await blobs.localPath!(file.checksum);
    expect(await readFile(path!, 'utf8')).toBe('model bytes');
    expect(await blobs.stats()).toEqual({ files: 1, bytes: 11 });
    await blobs.delete(file.checksum);
    expect(await blobs.localPath!(file.checksum)).toBeUndefined();
  });

  it('counts what a previous process left, then keeps the totals through puts and deletes', async () => {
    const first = createLocalBlobStore(root);
    await first.put(new Uint8Array(10));
    await first.put(new Uint8Array(20));
    const blobs = createLocalBlobStore(root);
    expect(await blobs.stats()).toEqual({ files: 2, bytes: 30 });
    const added = await blobs.put(new Uint8Array(7).fill(1));
    await blobs.put(new Uint8Array(7).fill(1)); // the same bytes: stored once
    expect(await blobs.stats()).toEqual({ files: 3, bytes: 37 });
    await blobs.delete(added.checksum);
    await blobs.delete(added.checksum); // already gone: nothing to subtract
    expect(await blobs.stats()).toEqual({ files: 2, bytes: 30 });
    // Totals are kept, not rescanned: a file dropped in from outside is not counted until a new process scans.
    await writeFile(join(root, 'sha256', 'stray'), 'x').catch(() => undefined);
    expect(await blobs.stats()).toEqual({ files: 2, bytes: 30 });
  });

  it('scans again when a put raced the scan', async () => {
    const blobs = createLocalBlobStore(root);
    await createLocalBlobStore(root).put(new Uint8Array(4));
    const [during] = await Promise.all([blobs.stats(), blobs.put(new Uint8Array(6))]);
    expect([1, 2]).toContain(during.files);
    expect(await blobs.stats()).toEqual({ files: 2, bytes: 10 });
    expect(await blobs.stats()).toEqual({ files: 2, bytes: 10 });
  });
});
