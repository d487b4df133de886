/** A device row (or the built-in device) as the API shows it (openapi/devices.yaml `Device`). */
import type { z } from 'zod';
import type { CapabilitiesSchema, DeviceSchema } from '../../generated/routes/devices.js';
import type { DeviceRow, DeviceStatus } from './device-repository.js';

export type DeviceView = z.infer<typeof DeviceSchema>;
export type CapabilitiesView = z.infer<typeof CapabilitiesSchema>;

export function statusOf(row: DeviceRow, staleBefore: Date): DeviceStatus {
  if (!row.connectedNode || !row.lastHeartbeatAt || row.lastHeartbeatAt < staleBefore) return 'offline';
  return row.status;
}

export function averageLatency(completed: number, totalMs: number): number | null {
  return completed > 0 ? Math.round((totalMs / completed) * 1000) / 1000 : null;
}

export function toDevice(row: DeviceRow, staleBefore: Date): DeviceView {
  const status = statusOf(row, staleBefore);
  return {
    id: row.id,
    name: row.name,
    kind: 'worker',
    status,
    capabilities: row.capabilities as CapabilitiesView,
    metrics: {
      tasks_completed: row.tasksCompleted,
      tasks_failed: row.tasksFailed,
      avg_latency_ms: averageLatency(row.tasksCompleted, row.totalLatencyMs),
      running_tasks: status === 'offline' ? 0 : row.runningTasks,
    },
    last_heartbeat_at: row.lastHeartbeatAt?.toISOString() ?? null,
    registered_at: row.createdAt.toISOString(),
  };
}
