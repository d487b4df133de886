/** Session rows as the API shows them (gpu-sessions.md field names), with cost so far and durations. */
import { sessionUsage } from './costs.js';
import { storedRequest } from './session-request.js';
import type { SessionRow } from './session-repository.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function apiEndpoint(row: SessionRow): string | null {
  const request = storedRequest(row);
  const port = request.exposed_ports?.[0];
  return request.launch_mode === 'entrypoint' && port !== undefined && row.sshHost
    ? `http://${row.sshHost}:${port}`
    : null;
}

export function toSession(row: SessionRow, now: Date) {
  const request = storedRequest(row);
  return {
    id: row.id,
    consumer_id: row.consumerId,
    offer_id: row.offerId,
    provider: row.provider as 'local',
    provider_instance_id: row.instanceId,
    gpu_type: row.gpuType,
    gpu_count: row.gpuCount,
    status: row.status,
    ssh_host: row.sshHost,
    ssh_port: row.sshPort,
    ssh_user: row.sshUser,
    api_endpoint: apiEndpoint(row),
    workload_type: request.workload_type,
    reservation_hours: row.reservationHours,
    idle_threshold_minutes: row.idleThresholdMinutes,
    storage_policy: request.storage_policy,
    launch_mode: request.launch_mode,
    template_hash_id: request.template_hash_id ?? null,
    price_per_hour: row.pricePerHour,
    disk_gb: request.disk_gb,
    retry_count: row.retryCount,
    failure_reason: row.failureReason,
    stop_reason: row.stopReason,
    created_at: row.createdAt.toISOString(),
    started_at: iso(row.startedAt),
    expires_at: (row.expiresAt < row.hardExpiresAt ? row.expiresAt : row.hardExpiresAt).toISOString(),
    stopped_at: iso(row.stoppedAt),
    last_activity_at: iso(row.lastActivityAt),
    cost: sessionUsage(row, now).cost,
  };
}

/** `1h 30m`, `45m`, `20s`: the seed's duration style. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return `${minutes}m`;
  return `${seconds}s`;
}
