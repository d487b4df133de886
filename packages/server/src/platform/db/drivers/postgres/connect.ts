/** PostgreSQL connection through postgres.js (`DATABASE_URL`). */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '../../database.js';
import { schema } from '../../schema.js';

export function connect(url: string, max = 10): { client: postgres.Sql; db: Db } {
  const client = postgres(url, { max, onnotice: () => undefined, connection: { application_name: 'computeplane' } });
  return { client, db: drizzle({ client, schema }) as unknown as Db };
}
