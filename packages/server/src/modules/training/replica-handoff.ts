/**
 * Which replica trains a job (docs/compatibility.md, "Training on several replicas"): a process trains a job
 * only on its own devices, so a due job whose tenant has devices connected to another replica and none to
 * this one is left to those replicas for `HANDOFF_MS` after it became due. After that any replica takes it
 * (on its built-in device at least), so a job is never stranded by a replica that does not run jobs or is full.
 */
import type { TrainingRow } from './training-repository.js';

export const HANDOFF_MS = 30_000;

export function leaveToOtherReplica(
  row: Pick<TrainingRow, 'tenantId' | 'status' | 'updatedAt' | 'leaseUntil'>,
  tenants: { elsewhere: ReadonlySet<string>; here: ReadonlySet<string> },
  now: Date,
): boolean {
  if (!tenants.elsewhere.has(row.tenantId) || tenants.here.has(row.tenantId)) return false;
  const dueSince = row.status === 'queued' ? row.updatedAt : (row.leaseUntil ?? row.updatedAt);
  return now.getTime() - dueSince.getTime() < HANDOFF_MS;
}
