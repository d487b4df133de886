/** Picks the driver: PostgreSQL when a URL is given, else PGlite under the data directory (or in memory). */
import type { Database } from './database.js';
import { open as openPglite } from './drivers/pglite/index.js';
import { open as openPostgres } from './drivers/postgres/index.js';

export type DatabaseOptions = { url: string; maxConnections?: number } | { dataDir?: string };

export function openDatabase(options: DatabaseOptions): Promise<Database> {
  return 'url' in options ? openPostgres(options) : openPglite(options);
}
