/**
 * What the rest of the server sees of the database, whichever driver is underneath: a Drizzle handle
 * over the same schema, a ping and a close. Each driver in drivers/ provides `open()` returning this.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { schema } from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DriverName = 'pglite' | 'postgres';

export interface Database {
  readonly driver: DriverName;
  readonly db: Db;
  /** Round-trip of `SELECT 1`, in milliseconds. Rejects when the database does not answer. */
  ping(): Promise<number>;
  close(): Promise<void>;
}
