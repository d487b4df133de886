/** Who is calling, as established by one of the four credentials of the seed. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'tenant'; tenantId: string; keyId: string }
  | { kind: 'admin' }
  | { kind: 'internal' }
  | { kind: 'device'; tenantId: string; deviceId: string };

/** The tenant a request acts for; only tenant and device credentials have one. */
export function tenantOf(principal: Principal): string {
  if (principal.kind === 'tenant' || principal.kind === 'device') return principal.tenantId;
  throw new Error(`a ${principal.kind} principal has no tenant`);
}

/** A stable name for scoping per-caller state such as idempotency keys. */
export function scopeOf(principal: Principal): string {
  switch (principal.kind) {
    case 'tenant':
      return `tenant:${principal.tenantId}`;
    case 'device':
      return `device:${principal.deviceId}`;
    default:
      return principal.kind;
  }
}
