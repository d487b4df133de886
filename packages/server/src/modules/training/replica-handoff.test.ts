/** The replica hand-off rule: a job waits for the replica with its tenant's devices, for HANDOFF_MS at most. */
import { describe, expect, it } from 'vitest';
import { HANDOFF_MS, leaveToOtherReplica } from './replica-handoff.js';

const now = new Date('2026-01-01T00:01:00Z');
const queued = (agoMs: number, tenantId = 't1') => ({
  tenantId,
  status: 'queued' as const,
  updatedAt: new Date(now.getTime() - agoMs),
  leaseUntil: null,
});

describe('leaveToOtherReplica', () => {
  it("leaves a fresh job to the replica that holds its tenant's devices", () => {
    expect(leaveToOtherReplica(queued(0), { elsewhere: new Set(['t1']), here: new Set() }, now)).toBe(true);
  });
  it('takes it when this replica has devices of the tenant too, or none has any', () => {
    expect(leaveToOtherReplica(queued(0), { elsewhere: new Set(['t1']), here: new Set(['t1']) }, now)).toBe(false);
    expect(leaveToOtherReplica(queued(0), { elsewhere: new Set(['t2']), here: new Set() }, now)).toBe(false);
  });
  it('takes it once it has been due for the hand-off time (a running job from when its lease ran out)', () => {
    const tenants = { elsewhere: new Set(['t1']), here: new Set<string>() };
    expect(leaveToOtherReplica(queued(HANDOFF_MS), tenants, now)).toBe(false);
    const expired = { ...queued(10 * HANDOFF_MS), status: 'running' as const, leaseUntil: new Date(now.getTime() - 5) };
    expect(leaveToOtherReplica(expired, tenants, now)).toBe(true);
  });
});
