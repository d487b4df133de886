/** Counts the live streams each tenant holds, so one tenant cannot hold more than its share of connections. */
export function createStreamLimiter(maxPerTenant: number) {
  const open = new Map<string, number>();
  return {
    /** Takes a slot; false when the tenant holds `maxPerTenant` already. */
    acquire(tenantId: string): boolean {
      const held = open.get(tenantId) ?? 0;
      if (held >= maxPerTenant) return false;
      open.set(tenantId, held + 1);
      return true;
    },
    release(tenantId: string) {
      const held = (open.get(tenantId) ?? 1) - 1;
      if (held <= 0) open.delete(tenantId);
      else open.set(tenantId, held);
    },
    held: (tenantId: string) => open.get(tenantId) ?? 0,
  };
}

export type StreamLimiter = ReturnType<typeof createStreamLimiter>;
