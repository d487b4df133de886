/** Blobs in a Map: for tests and the in-process mock, where nothing must touch the disk. */
import { readFile } from 'node:fs/promises';
import type { BlobStore } from './blob-store.js';
import { sha256Checksum } from './sha256.js';

export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Uint8Array>();
  return {
    async put(bytes) {
      const checksum = sha256Checksum(bytes);
      if (!blobs.has(checksum)) blobs.set(checksum, bytes.slice());
      return { checksum, size: bytes.byteLength };
    },
    async putFile(path, file) {
      if (!blobs.has(file.checksum)) blobs.set(file.checksum, new Uint8Array(await readFile(path)));
      return { checksum: file.checksum, size: file.size };
    },
    async get(checksum) {
      const blob = blobs.get(checksum);
      if (!blob) throw new Error(`no blob ${checksum}`);
      return blob;
    },
    async *read(checksum) {
      const blob = blobs.get(checksum);
      if (!blob) throw new Error(`no blob ${checksum}`);
      for (let at = 0; at < blob.byteLength; at += 64 * 1024) yield blob.subarray(at, at + 64 * 1024);
    },
    has: async (checksum) => blobs.has(checksum),
    delete: async (checksum) => void blobs.delete(checksum),
    stats: async () => ({ files: blobs.size, bytes: [...blobs.values()].reduce((sum, b) => sum + b.byteLength, 0) }),
  };
}
