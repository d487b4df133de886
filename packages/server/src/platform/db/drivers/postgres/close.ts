/** Closes the postgres.js pool, letting running queries finish for a few seconds. */
import type postgres from 'postgres';

export async function close(client: postgres.Sql): Promise<void> {
  await client.end({ timeout: 5 });
}
