/**
 * An instance as the API shows it (the seed's Instance): the guest's env (credential variables hold
 * `mock-<NAME>`, their real sources are never shown), optional fields only when they have a value.
 */
import type { AttachmentRow, InstanceRow } from './instance-repository.js';

/** The env the guest sees: request env without credential sources, credential names as placeholders. */
export function guestEnv(spec: InstanceRow['spec']): Record<string, string> {
  const credentials = spec.credentials ?? {};
  const sources = new Set(Object.values(credentials).map((c) => c.source.env));
  const env = Object.fromEntries(Object.entries(spec.env).filter(([key]) => !sources.has(key) || key in credentials));
  for (const name of Object.keys(credentials)) env[name] = `mock-${name}`;
  return env;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toInstance(row: InstanceRow, attachments: AttachmentRow[]) {
  const { spec } = row;
  const network = spec.network?.enabled
    ? {
        enabled: true,
        ip: row.ip,
        mac: row.mac,
        name: 'default',
        ...(spec.network.bandwidth_download ? { bandwidth_download: spec.network.bandwidth_download } : {}),
        ...(spec.network.bandwidth_upload ? { bandwidth_upload: spec.network.bandwidth_upload } : {}),
      }
    : { enabled: false, ip: null, mac: null };
  return {
    id: row.id,
    created_at: row.createdAt.toISOString(),
    image: row.image,
    name: row.name,
    state: row.state as 'Running',
    env: guestEnv(spec),
    hypervisor: row.hypervisor as 'runc',
    has_snapshot: false,
    network,
    exit_code: row.exitCode,
    exit_message: row.exitMessage,
    state_error: row.stateError,
    started_at: iso(row.startedAt),
    stopped_at: iso(row.stoppedAt),
    tags: row.tags,
    volumes: attachments.map((a) => ({
      volume_id: a.volumeId,
      mount_path: a.mountPath,
      readonly: a.readonly,
      ...(a.overlay ? { overlay: true, overlay_size: a.overlaySize ?? undefined } : {}),
    })),
    ...(spec.size ? { size: spec.size } : {}),
    ...(spec.hotplug_size ? { hotplug_size: spec.hotplug_size } : {}),
    ...(spec.overlay_size ? { overlay_size: spec.overlay_size } : {}),
    ...(spec.disk_io_bps ? { disk_io_bps: spec.disk_io_bps } : {}),
    ...(spec.vcpus ? { vcpus: spec.vcpus } : {}),
  };
}

export type InstanceView = ReturnType<typeof toInstance>;
