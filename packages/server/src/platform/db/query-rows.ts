/** Raw SQL through Drizzle, with the row list in the same shape on both drivers. */
import type { SQL } from 'drizzle-orm';
import type { Db } from './database.js';

export async function queryRows<Row>(
  db: Db | Parameters<Parameters<Db['transaction']>[0]>[0],
  query: SQL,
): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as Row[] | { rows: Row[] };
  return Array.isArray(result) ? result : result.rows;
}
