/**
 * Blobs as files under `<root>/sha256/<first two hex>/<hex>`. Writes go to a temporary file first and
 * are renamed into place, so a crash never leaves a half-written file under a valid checksum.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hexOf, type BlobStore, type StoredBlob } from './blob-store.js';
import { sha256Checksum } from './sha256.js';

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

  return {
    async put(bytes): Promise<StoredBlob> {
      const checksum = sha256Checksum(bytes);
      const path = pathOf(checksum);
      if (!(await exists(path))) {
        await mkdir(dirname(path), { recursive: true });
        const temp = `${path}.${randomUUID()}.tmp`;
        await writeFile(temp, bytes);
        await rename(temp, path);
      }
      return { checksum, size: bytes.byteLength };
    },
    async get(checksum) {
      return new Uint8Array(await readFile(pathOf(checksum)));
    },
    has: (checksum) => exists(pathOf(checksum)),
    async delete(checksum) {
      await rm(pathOf(checksum), { force: true });
    },
    async stats() {
      let files = 0;
      let bytes = 0;
      const base = join(root, 'sha256');
      for (const shard of await readdir(base).catch(() => [] as string[])) {
        for (const name of await readdir(join(base, shard)).catch(() => [] as string[])) {
          if (name.endsWith('.tmp')) continue;
          files += 1;
          bytes += (await stat(join(base, shard, name))).size;
        }
      }
      return { files, bytes };
    },
  };
}
