/**
 * On the embedded default, with no keys configured, the server creates a `default` tenant with the
 * seed's development key `test-api-key`, so the seed's curl examples work on a fresh start. It says so
 * at startup; PostgreSQL deployments never get it.
 */
import { count } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { apiKeys, tenants } from '../db/schema.js';
import { issueApiKey } from './api-keys.js';

export const DEVELOPMENT_KEY = 'test-api-key';
export const DEVELOPMENT_TENANT = 'tnt_default';

/** Creates the development tenant and key when no API key exists yet. Returns whether it did. */
export async function seedDevelopmentKey(db: Db): Promise<boolean> {
  const [existing] = await db.select({ n: count() }).from(apiKeys);
  if ((existing?.n ?? 0) > 0) return false;
  await db.insert(tenants).values({ id: DEVELOPMENT_TENANT, name: 'default' }).onConflictDoNothing();
  await issueApiKey(db, DEVELOPMENT_TENANT, 'development', DEVELOPMENT_KEY);
  return true;
}
