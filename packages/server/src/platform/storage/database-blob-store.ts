/**
 * Blobs in the database, for replicas that share one PostgreSQL but no disk: a model uploaded through one
 * replica can then run on any other. Used when DATABASE_URL is set. Small blobs (stacked batch slices)
 * are one `blobs` row; an uploaded file is written from disk in `CHUNK_BYTES` parts (`blob_chunks`), in
 * one transaction, so neither the upload nor the insert ever holds the whole file in memory.
 */
import { and, count, eq, sum } from 'drizzle-orm';
import { createReadStream } from 'node:fs';
import type { Db } from '../db/database.js';
import { blobChunks, blobs } from '../db/schema.js';
import type { BlobStore, StoredBlob } from './blob-store.js';
import { sha256Checksum } from './sha256.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

export function createDatabaseBlobStore(db: Db): BlobStore {
  const has = async (checksum: string) => {
    const [row] = await db.select({ n: count() }).from(blobs).where(eq(blobs.checksum, checksum));
    return (row?.n ?? 0) > 0;
  };
  const chunkOf = async (checksum: string, seq: number): Promise<Uint8Array> => {
    const [part] = await db
      .select({ bytes: blobChunks.bytes })
      .from(blobChunks)
      .where(and(eq(blobChunks.checksum, checksum), eq(blobChunks.seq, seq)));
    if (!part) throw new Error(`stored file ${checksum} is missing part ${seq}`);
    return part.bytes;
  };
  return {
    async put(bytes): Promise<StoredBlob> {
      const checksum = sha256Checksum(bytes);
      await db.insert(blobs).values({ checksum, size: bytes.byteLength, bytes }).onConflictDoNothing();
      return { checksum, size: bytes.byteLength };
    },
    async putFile(path, file): Promise<StoredBlob> {
      if (await has(file.checksum)) return { ...file };
      await db.transaction(async (tx) => {
        const chunks = Math.max(1, Math.ceil(file.size / CHUNK_BYTES));
        const [inserted] = await tx
          .insert(blobs)
          .values({ checksum: file.checksum, size: file.size, bytes: new Uint8Array(0), chunks })
          .onConflictDoNothing()
          .returning({ checksum: blobs.checksum });
        if (!inserted) return; // stored meanwhile by another upload of the same file
        let seq = 0;
        for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
          await tx.insert(blobChunks).values({ checksum: file.checksum, seq: seq++, bytes: chunk as Buffer });
        }
      });
      return { ...file };
    },
    async get(checksum) {
      const [row] = await db
        .select({ bytes: blobs.bytes, size: blobs.size, chunks: blobs.chunks })
        .from(blobs)
        .where(eq(blobs.checksum, checksum));
      if (!row) throw new Error(`no stored file ${checksum}`);
      if (row.chunks === 0) return new Uint8Array(row.bytes);
      // One chunk at a time into one buffer of the file's size.
      const whole = new Uint8Array(row.size);
      let offset = 0;
      for (let seq = 0; seq < row.chunks; seq++) {
        const part = await chunkOf(checksum, seq);
        whole.set(part, offset);
        offset += part.byteLength;
      }
      return whole;
    },
    async *read(checksum) {
      const [row] = await db.select({ chunks: blobs.chunks }).from(blobs).where(eq(blobs.checksum, checksum));
      if (!row) throw new Error(`no stored file ${checksum}`);
      if (row.chunks === 0) {
        const [whole] = await db.select({ bytes: blobs.bytes }).from(blobs).where(eq(blobs.checksum, checksum));
        if (whole) yield new Uint8Array(whole.bytes);
        return;
      }
      for (let seq = 0; seq < row.chunks; seq++) yield await chunkOf(checksum, seq);
    },
    has,
    async delete(checksum) {
      // blob_chunks rows go with it (ON DELETE CASCADE).
      await db.delete(blobs).where(eq(blobs.checksum, checksum));
    },
    async stats() {
      const [row] = await db.select({ files: count(), bytes: sum(blobs.size) }).from(blobs);
      return { files: row?.files ?? 0, bytes: Number(row?.bytes ?? 0) };
    },
  };
}
