/**
 * Tenant API keys: generated with 190 bits of randomness, stored only as a sha256 hash, found by their
 * first characters and then compared in constant time, so the database never sees a usable secret and
 * response times do not depend on how much of a key was right.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { apiKeys } from '../db/schema.js';
import { randomId } from '../http/ids.js';

const LOOKUP_LENGTH = 12;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
export const lookupOf = (key: string) => key.slice(0, LOOKUP_LENGTH);

export function generateApiKey(): string {
  const bytes = randomBytes(40);
  let secret = '';
  for (const byte of bytes) if (byte < 248 && secret.length < 32) secret += BASE62[byte % 62];
  return `cp_live_${secret}`;
}

export interface IssuedKey {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  key: string;
  createdAt: Date;
}

export async function issueApiKey(db: Db, tenantId: string, name: string, key = generateApiKey()): Promise<IssuedKey> {
  const id = randomId('key');
  const [row] = await db
    .insert(apiKeys)
    .values({ id, tenantId, name, lookup: lookupOf(key), prefix: lookupOf(key), keyHash: hashKey(key) })
    .returning();
  return { id, tenantId, name, prefix: row!.prefix, key, createdAt: row!.createdAt };
}

/** The key's row when it is valid and not revoked, else undefined. */
export async function verifyApiKey(db: Db, key: string): Promise<{ id: string; tenantId: string } | undefined> {
  if (key.length < 8 || key.length > 256) return undefined;
  const presented = Buffer.from(hashKey(key), 'hex');
  const candidates = await db
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .where(and(eq(apiKeys.lookup, lookupOf(key)), isNull(apiKeys.revokedAt)));
  let match: { id: string; tenantId: string } | undefined;
  for (const candidate of candidates) {
    if (timingSafeEqual(presented, Buffer.from(candidate.keyHash, 'hex'))) match = candidate;
  }
  return match && { id: match.id, tenantId: match.tenantId };
}

/** Constant-time comparison of two secrets of any length (compares their hashes). */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(hashKey(presented), 'hex'), Buffer.from(hashKey(expected), 'hex'));
}

/** Revokes a key by id (idempotent): a worker's key when its instance is terminated. */
export async function revokeApiKey(db: Db, id: string, now: Date): Promise<void> {
  await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
}
