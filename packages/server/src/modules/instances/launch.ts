/**
 * Starts an instance's workload from its row: the image's root and config, the request's overrides
 * combined as `docker run` combines them, volumes (readonly ones with an overlay get a writable layer of
 * their own), devices, limits, and the network when enabled. Used by create and start.
 */
import type { ContainerMount } from '../../platform/containers/index.js';
import { ApiProblem } from '../../platform/http/problem.js';
import { parseRate, parseSize } from './human-values.js';
import type { InstanceContext } from './instance-context.js';
import type { AttachmentRow, InstanceRow } from './instance-repository.js';
import { guestEnv } from './instance-view.js';
import type { ImageConfig } from './engine/image-store.js';

/** `docker run`'s rule: an entrypoint override drops the image's CMD; cmd replaces the image's CMD. */
export function commandLine(spec: InstanceRow['spec'], image: ImageConfig): string[] {
  if (spec.entrypoint) return [...spec.entrypoint, ...(spec.cmd ?? [])];
  return [...(image.entrypoint ?? []), ...(spec.cmd ?? image.cmd ?? [])];
}

export function imageEnv(image: ImageConfig): Record<string, string> {
  return Object.fromEntries((image.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

export async function launch(
  ctx: InstanceContext,
  row: InstanceRow,
  attachments: AttachmentRow[],
  network: { env: Record<string, string>; mounts: ContainerMount[] },
) {
  const image = await ctx.images.get(row.tenantId, row.image);
  if (!image || image.status !== 'ready' || image.digest !== row.imageDigest)
    throw new ApiProblem(
      409,
      'IMAGE_NOT_READY',
      `Image '${row.image}' is no longer available; pull it again with POST /images`,
    );
  const config = image.config ?? {};
  const args = commandLine(row.spec, config);
  const mounts: ContainerMount[] = [...network.mounts];
  for (const attachment of attachments) mounts.push(await ctx.volumeStore.mountFor(row.id, attachment));
  const settings = ctx.settings;
  const memory =
    (parseSize(row.spec.size ?? '') ?? settings.defaultMemoryMb * 1024 * 1024) +
    (parseSize(row.spec.hotplug_size ?? '') ?? 0);
  await ctx.runtime.launch({
    id: row.id,
    rootfs: ctx.imageStore.rootfsOf(row.imageDigest),
    args,
    env: { ...imageEnv(config), ...guestEnv(row.spec), ...network.env },
    cwd: config.workingDir || '/',
    hostname: row.name,
    cpus: row.spec.vcpus ?? settings.defaultVcpus,
    memoryBytes: memory,
    layerBytes: parseSize(row.spec.overlay_size ?? '') ?? settings.defaultOverlayMb * 1024 * 1024,
    mounts,
    devices: (row.spec.devices ?? []).map((name) => settings.devices[name]!),
    ...(row.spec.network?.enabled ? { netns: ctx.network.netnsPath(row.id) } : {}),
    ...(row.spec.disk_io_bps ? { diskBytesPerSecond: parseRate(row.spec.disk_io_bps)! } : {}),
  });
}
