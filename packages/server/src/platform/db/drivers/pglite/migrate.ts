/** Applies the committed migrations on PGlite. One process owns a PGlite directory, so no lock is needed. */
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate as runMigrations } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from '../../migrations-folder.js';

export async function migrate(client: PGlite): Promise<void> {
  await runMigrations(drizzle({ client }), { migrationsFolder });
}
