/**
 * Blobs as files under `<root>/sha256/<first two hex>/<hex>`. Writes go to a temporary file first and
 * are renamed into place, so a crash never leaves a half-written file under a valid checksum. Totals for
 * `stats()` (read by every /health call) come from one scan of the directory, then are kept by put and
 * delete: stacked batches add blobs with every job, and a scan per health check would grow with them.
 * Uploaded files arrive staged on disk and are hard-linked into place (copied across file systems).
 * Every new file is fsynced, and so is its directory after the rename, before put returns: a row that
 * names the blob is committed only after that, so a crash never leaves a row naming a missing file.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hexOf, type BlobStore, type StoredBlob } from './blob-store.js';
import { sha256Checksum } from './sha256.js';

/** Flushes a file (or a directory's entries) to stable storage. */
async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function createLocalBlobStore(root: string): BlobStore {
  const pathOf = (checksum: string) => {
    const hex = hexOf(checksum);
    return join(root, 'sha256', hex.slice(0, 2), hex);
  };
  const exists = (path: string) =>
    stat(path).then(
      () => true,
      () => false,
    );

  type Totals = { files: number; bytes: number };
  let totals: Totals | undefined;
  let scanning: Promise<Totals> | undefined;
  let changedDuringScan = false;
  const adjust = (files: number, bytes: number) => {
    if (scanning) changedDuringScan = true;
    else if (totals) totals = { files: totals.files + files, bytes: totals.bytes + bytes };
  };
  async function scan(): Promise<Totals> {
    let files = 0;
    let bytes = 0;
    const base = join(root, 'sha256');
    for (const shard of await readdir(base).catch(() => [] as string[])) {
      for (const name of await readdir(join(base, shard)).catch(() => [] as string[])) {
        if (name.endsWith('.tmp')) continue;
        const size = await stat(join(base, shard, name)).then(
          (info) => info.size,
          () => undefined,
        );
        if (size === undefined) continue;
        files += 1;
        bytes += size;
      }
    }
    return { files, bytes };
  }

  return {
    async put(bytes): Promise<StoredBlob> {
      const checksum = sha256Checksum(bytes);
      const path = pathOf(checksum);
      if (!(await exists(path))) {
        await mkdir(dirname(path), { recursive: true });
        const temp = `${path}.${randomUUID()}.tmp`;
        await writeFile(temp, bytes);
        await fsync(temp);
        await rename(temp, path);
        await fsync(dirname(path));
        adjust(1, bytes.byteLength);
      }
      return { checksum, size: bytes.byteLength };
    },
    async putFile(source, file): Promise<StoredBlob> {
      const path = pathOf(file.checksum);
      if (!(await exists(path))) {
        await mkdir(dirname(path), { recursive: true });
        const temp = `${path}.${randomUUID()}.tmp`;
        // A hard link costs no copy and leaves the staged file to its owner; another file system needs a copy.
        await link(source, temp).catch(() => copyFile(source, temp));
        await fsync(temp);
        await rename(temp, path);
        await fsync(dirname(path));
        adjust(1, file.size);
      }
      return { checksum: file.checksum, size: file.size };
    },
    async get(checksum) {
      return new Uint8Array(await readFile(pathOf(checksum)));
    },
    read: (checksum) => createReadStream(pathOf(checksum)),
    localPath: async (checksum) => ((await exists(pathOf(checksum))) ? pathOf(checksum) : undefined),
    has: (checksum) => exists(pathOf(checksum)),
    async delete(checksum) {
      const size = await stat(pathOf(checksum)).then(
        (info) => info.size,
        () => undefined,
      );
      await rm(pathOf(checksum), { force: true });
      if (size !== undefined) adjust(-1, -size);
    },
    async stats() {
      if (totals) return { ...totals };
      if (!scanning) {
        changedDuringScan = false;
        scanning = scan().finally(() => {
          scanning = undefined;
        });
        const scanned = await scanning;
        // A put or delete raced the scan: its count may or may not be in it, so the next call scans again.
        if (!changedDuringScan) totals = scanned;
        return { ...scanned };
      }
      return { ...(await scanning) };
    },
  };
}
