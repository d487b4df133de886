/** Closes PGlite, flushing its files. */
import type { PGlite } from '@electric-sql/pglite';

export async function close(client: PGlite): Promise<void> {
  if (!client.closed) await client.close();
}
