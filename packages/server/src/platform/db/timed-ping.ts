/** Measures one `SELECT 1` round trip, shared by every driver's ping. */
import { sql } from 'drizzle-orm';
import type { Db } from './database.js';

export async function timedPing(db: Db): Promise<number> {
  const started = performance.now();
  await db.execute(sql`select 1`);
  return Math.round((performance.now() - started) * 1000) / 1000;
}
