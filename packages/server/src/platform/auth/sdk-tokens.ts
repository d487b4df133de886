/** Device session tokens (`X-SDK-Token`): issued when a device registers, stored hashed. */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { sdkTokens } from '../db/schema.js';
import { hashKey } from './api-keys.js';

export async function verifySdkToken(
  db: Db,
  token: string,
  now: Date,
): Promise<{ tenantId: string; deviceId: string } | undefined> {
  if (token.length < 8 || token.length > 512) return undefined;
  const [row] = await db
    .select({ tenantId: sdkTokens.tenantId, deviceId: sdkTokens.deviceId })
    .from(sdkTokens)
    .where(
      and(
        eq(sdkTokens.tokenHash, hashKey(token)),
        isNull(sdkTokens.revokedAt),
        or(isNull(sdkTokens.expiresAt), gt(sdkTokens.expiresAt, now)),
      ),
    );
  return row;
}

/** Issues a device token (the devices area calls this at registration); only its hash is stored. */
export async function issueSdkToken(
  db: Db,
  tenantId: string,
  deviceId: string,
  expiresAt: Date | null = null,
): Promise<string> {
  const token = `cp_sdk_${randomBytes(24).toString('base64url')}`;
  await db.insert(sdkTokens).values({ tokenHash: hashKey(token), tenantId, deviceId, expiresAt });
  return token;
}
