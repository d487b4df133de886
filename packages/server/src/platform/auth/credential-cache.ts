/**
 * A short-lived cache of verified tenant API keys, so a hot client does not cost a database query per
 * request. Entries live `ttlMs` (default 5 s): a key revoked on this server stops working at once (the
 * admin area clears the cache), on other replicas within the TTL. Only keys that were verified against
 * their stored hash are cached, in this process's memory only, and the cache is bounded.
 */
export interface CachedPrincipal {
  tenantId: string;
  keyId: string;
}

export function createCredentialCache(ttlMs = 5_000, maxEntries = 10_000) {
  const entries = new Map<string, { value: CachedPrincipal; expires: number }>();
  return {
    get(key: string, now = Date.now()): CachedPrincipal | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= now) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key: string, value: CachedPrincipal, now = Date.now()) {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, expires: now + ttlMs });
    },
    clear() {
      entries.clear();
    },
  };
}

export type CredentialCache = ReturnType<typeof createCredentialCache>;
