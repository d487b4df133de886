/**
 * Blobs in the database (`blobs` table, bytea), for replicas that share one PostgreSQL but no disk: a model
 * uploaded through one replica can then run on any other. Used when DATABASE_URL is set.
 */
import { count, eq, sum } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { blobs } from '../db/schema.js';
import type { BlobStore, StoredBlob } from './blob-store.js';
import { sha256Checksum } from './sha256.js';

export function createDatabaseBlobStore(db: Db): BlobStore {
  return {
    async put(bytes): Promise<StoredBlob> {
      const checksum = sha256Checksum(bytes);
      await db.insert(blobs).values({ checksum, size: bytes.byteLength, bytes }).onConflictDoNothing();
      return { checksum, size: bytes.byteLength };
    },
    async get(checksum) {
      const [row] = await db.select({ bytes: blobs.bytes }).from(blobs).where(eq(blobs.checksum, checksum));
      if (!row) throw new Error(`no stored file ${checksum}`);
      return new Uint8Array(row.bytes);
    },
    async has(checksum) {
      const [row] = await db.select({ n: count() }).from(blobs).where(eq(blobs.checksum, checksum));
      return (row?.n ?? 0) > 0;
    },
    async delete(checksum) {
      await db.delete(blobs).where(eq(blobs.checksum, checksum));
    },
    async stats() {
      const [row] = await db.select({ files: count(), bytes: sum(blobs.size) }).from(blobs);
      return { files: row?.files ?? 0, bytes: Number(row?.bytes ?? 0) };
    },
  };
}
