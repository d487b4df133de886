/**
 * Applies the committed migrations on PostgreSQL. Several replicas may start at once on one database,
 * so the run is serialised with a session-level advisory lock held on a reserved connection.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as runMigrations } from 'drizzle-orm/postgres-js/migrator';
import type postgres from 'postgres';
import { migrationsFolder } from '../../migrations-folder.js';

const MIGRATION_LOCK = 7_264_215_001; // arbitrary, fixed: "computeplane migrations"

export async function migrate(client: postgres.Sql): Promise<void> {
  const lockConnection = await client.reserve();
  try {
    await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await runMigrations(drizzle({ client }), { migrationsFolder });
  } finally {
    await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => undefined);
    lockConnection.release();
  }
}
