/** A pod row (and its usage spans) as the API shows it; lab rows and events likewise. */
import { MINUTE, runningSeconds } from './pod-context.js';
import { split } from './pod-costs.js';
import type { EventRow, PodRow, UsageRow } from './pod-repository.js';
import type { LabRow } from './lab-repository.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const round = (value: number, places = 4) => Math.round(value * 10 ** places) / 10 ** places;

export function sshOf(row: PodRow) {
  if (row.status !== 'running' || !row.sshHost || !row.sshPort || !row.sshUser) return null;
  return {
    host: row.sshHost,
    port: row.sshPort,
    user: row.sshUser,
    command: `ssh ${row.sshUser}@${row.sshHost} -p ${row.sshPort}`,
  };
}

export function toPod(row: PodRow, spans: UsageRow[], now: Date) {
  const cost = split(spans, new Date(0), new Date(8.64e15), now);
  const telemetry = row.telemetry as {
    sampledAt: string;
    gpuUtilization: number | null;
    cpuPercent: number | null;
    processes: number | null;
    sshSessions: number | null;
  } | null;
  return {
    id: row.id,
    labId: row.labId,
    status: row.status,
    provider: row.provider,
    offerId: row.offerId,
    gpuType: row.gpuType,
    gpuCount: row.gpuCount,
    pricePerHour: row.pricePerHour,
    storagePricePerHour: round(row.storagePricePerHour, 6),
    image: row.image,
    envKeys: Object.keys(row.env).sort(),
    volumeSize: row.volumeSize,
    volumePath: row.volumePath,
    maxHours: row.maxHours,
    runningHours: round(runningSeconds(row, now) / 3600),
    idleMinutes:
      row.status === 'running' && row.lastActivityAt
        ? round(Math.max(0, now.getTime() - row.lastActivityAt.getTime()) / MINUTE, 2)
        : null,
    lastActivityAt: iso(row.lastActivityAt),
    telemetry: telemetry ?? null,
    ssh: sshOf(row),
    costs: { compute: cost.compute, storage: cost.storage, total: cost.total },
    stopReason: row.stopReason,
    failureReason: row.failureReason,
    createdAt: row.createdAt.toISOString(),
    stoppedAt: iso(row.stoppedAt),
    terminatedAt: iso(row.terminatedAt),
    volumeDeleteAt: iso(row.volumeDeleteAt),
    volumeDeletedAt: iso(row.volumeDeletedAt),
  };
}

export const labSettings = (row: LabRow) => ({
  idleAlertMinutes: row.idleAlertMinutes,
  idleStopMinutes: row.idleStopMinutes,
  autoScheduleEnabled: row.autoScheduleEnabled,
  monthlyBudget: row.monthlyBudget,
  budgetAction: row.budgetAction,
  sshPublicKeys: row.sshPublicKeys,
});

export const toLab = (row: LabRow) => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  settings: labSettings(row),
  createdAt: row.createdAt.toISOString(),
});

export const toEvent = (row: EventRow) => ({
  id: row.id,
  labId: row.labId,
  podId: row.podId,
  type: row.type,
  message: row.message,
  createdAt: row.createdAt.toISOString(),
});
