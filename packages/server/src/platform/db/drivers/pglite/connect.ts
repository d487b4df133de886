/** PGlite connection: embedded PostgreSQL (WASM), files under a directory, or in memory when none is given. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Db } from '../../database.js';
import { schema } from '../../schema.js';

export async function connect(dataDir?: string): Promise<{ client: PGlite; db: Db }> {
  // PGlite creates only the last path segment; a fresh DATA_DIR (./data on a new checkout) may not exist yet.
  if (dataDir) await mkdir(dirname(dataDir), { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  return { client, db: drizzle({ client, schema }) as unknown as Db };
}
