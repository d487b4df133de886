/**
 * Creates and starts a container: lays out its bundle (root filesystem from the spec's source, config.json)
 * and runs it detached. The init's stdio is /dev/null; its output is nobody's to read.
 */
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerSpec } from '../../container-driver.js';
import { createMountPoints } from '../../mount-points.js';
import { ociConfig } from '../../oci-spec.js';
import { blockedAncestor } from '../../traversable.js';
import { removeBundle } from './destroy.js';
import { runc, type RuncContext } from './run-runc.js';

/** Writes the container's bundle (`<bundles>/<id>`: rootfs prepared, config.json); returns its path. */
export async function prepareBundle(ctx: RuncContext, spec: ContainerSpec): Promise<string> {
  const bundle = join(ctx.bundles, spec.id);
  await mkdir(bundle, { recursive: true, mode: 0o711 });
  const rootfs = await spec.rootfs.prepare(bundle, spec.hostname);
  if (spec.user)
    for (const mount of spec.mounts) if (!mount.readonly) await chown(mount.source, spec.user.hostId, spec.user.hostId);
  if (spec.user)
    for (const path of [rootfs.path, ...spec.mounts.map((mount) => mount.source)]) {
      const blocked = await blockedAncestor(path);
      if (blocked)
        throw new Error(`${blocked} must be traversable by others (o+x) for a user namespace's root to reach ${path}`);
    }
  const config = ociConfig(spec, rootfs);
  await createMountPoints(rootfs.path, config.mounts);
  await writeFile(join(bundle, 'config.json'), JSON.stringify(config, null, 2));
  return bundle;
}

export async function create(ctx: RuncContext, spec: ContainerSpec): Promise<void> {
  try {
    const bundle = await prepareBundle(ctx, spec);
    await runc(ctx, ['run', '--detach', '--bundle', bundle, spec.id]);
  } catch (error) {
    await runc(ctx, ['delete', '--force', spec.id]).catch(() => undefined);
    await removeBundle(ctx, spec.id);
    throw error;
  }
}
