/** The credential checks behind each security scheme of the specs. */
import type { Db } from '../db/database.js';
import { ApiProblem } from '../http/problem.js';
import { secretsEqual, verifyApiKey } from './api-keys.js';
import type { CredentialCache } from './credential-cache.js';
import type { Verifiers } from './require-auth.js';
import { verifySdkToken } from './sdk-tokens.js';

export function createVerifiers(options: {
  db: Db;
  adminKey?: string;
  internalToken: string;
  clock: () => Date;
  cache?: CredentialCache;
}): Verifiers {
  const { db, adminKey, internalToken, clock, cache } = options;
  const tenantKey = async (key: string) => {
    const cached = cache?.get(key);
    if (cached) return { kind: 'tenant', tenantId: cached.tenantId, keyId: cached.keyId } as const;
    const found = await verifyApiKey(db, key);
    if (found) cache?.set(key, { tenantId: found.tenantId, keyId: found.id });
    return found && ({ kind: 'tenant', tenantId: found.tenantId, keyId: found.id } as const);
  };
  return {
    ApiKeyAuth: tenantKey,
    BearerAuth: tenantKey,
    AdminKeyAuth: async (key) => {
      if (!adminKey)
        throw new ApiProblem(
          401,
          'AUTH_INVALID',
          'The admin API is disabled on this server: start it with ADMIN_KEY set',
        );
      return secretsEqual(key, adminKey) ? { kind: 'admin' } : undefined;
    },
    InternalTokenAuth: async (token) => (secretsEqual(token, internalToken) ? { kind: 'internal' } : undefined),
    SdkTokenAuth: async (token) => {
      const found = await verifySdkToken(db, token, clock());
      return found && ({ kind: 'device', tenantId: found.tenantId, deviceId: found.deviceId } as const);
    },
  };
}
