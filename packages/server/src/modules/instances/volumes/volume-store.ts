/**
 * Volumes on disk: each an ext4 file system of `size_gb` in a sparse file (`<dir>/volumes/<id>/disk.img`),
 * mounted while the volume exists; its content is the `data` directory of that mount. A readonly
 * attachment with `overlay` gets a writable layer of the instance's own (a file system of `overlay_size`)
 * over the volume: the instance writes there, the volume stays unchanged, and the layer goes with the
 * attachment.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerMount } from '../../../platform/containers/index.js';
import { runTool } from '../engine/run-tool.js';
import { isMounted, mountLoopFs, removeLoopFs } from '../engine/loop-fs.js';
import { parseSize } from '../human-values.js';

interface Attachment {
  volumeId: string;
  mountPath: string;
  readonly: boolean;
  overlay: boolean;
  overlaySize: string | null;
}

export function createVolumeStore(dir: string) {
  const volumeDir = (id: string) => join(dir, 'volumes', id);
  const mountPoint = (id: string) => join(volumeDir(id), 'mnt');
  const overlayDir = (instanceId: string, volumeId: string) => join(dir, 'overlays', instanceId, volumeId);
  return {
    dataDir: (id: string) => join(mountPoint(id), 'data'),
    async create(id: string, sizeGb: number): Promise<void> {
      await mkdir(volumeDir(id), { recursive: true });
      await mountLoopFs(join(volumeDir(id), 'disk.img'), mountPoint(id), sizeGb * 1024 ** 3);
      await mkdir(join(mountPoint(id), 'data'), { recursive: true, mode: 0o755 });
    },
    /** Mounts again (after a restart) a volume that is not mounted. */
    async ensureMounted(id: string, sizeGb: number): Promise<void> {
      if (!(await isMounted(mountPoint(id)))) await this.create(id, sizeGb);
    },
    async remove(id: string): Promise<void> {
      await removeLoopFs(join(volumeDir(id), 'disk.img'), mountPoint(id));
      await rm(volumeDir(id), { recursive: true, force: true });
    },
    /** The bind mount an instance gets for an attachment (its overlay mounted first when it has one). */
    async mountFor(instanceId: string, attachment: Attachment): Promise<ContainerMount> {
      const data = join(mountPoint(attachment.volumeId), 'data');
      if (!attachment.overlay)
        return { source: data, destination: attachment.mountPath, readonly: attachment.readonly };
      const base = overlayDir(instanceId, attachment.volumeId);
      const layer = join(base, 'layer');
      await mountLoopFs(join(base, 'layer.img'), layer, parseSize(attachment.overlaySize ?? '') ?? 1024 ** 3);
      const merged = join(base, 'merged');
      for (const sub of [join(layer, 'upper'), join(layer, 'work'), merged]) await mkdir(sub, { recursive: true });
      if (!(await isMounted(merged)))
        await runTool('mount', [
          '-t',
          'overlay',
          'overlay',
          '-o',
          `lowerdir=${data},upperdir=${join(layer, 'upper')},workdir=${join(layer, 'work')}`,
          merged,
        ]);
      return { source: merged, destination: attachment.mountPath, readonly: false };
    },
    /** Unmounts an instance's overlays (after its container is gone); `remove` also deletes their layers. */
    async releaseOverlays(instanceId: string, options: { remove: boolean; volumeId?: string }): Promise<void> {
      const base = join(dir, 'overlays', instanceId);
      const volumes = options.volumeId ? [options.volumeId] : await readdir(base).catch(() => [] as string[]);
      for (const volumeId of volumes) {
        const overlay = overlayDir(instanceId, volumeId);
        if (await isMounted(join(overlay, 'merged')))
          await runTool('umount', ['-l', join(overlay, 'merged')]).catch(() => undefined);
        if (options.remove) await removeLoopFs(join(overlay, 'layer.img'), join(overlay, 'layer'));
        else if (await isMounted(join(overlay, 'layer')))
          await runTool('umount', ['-l', join(overlay, 'layer')]).catch(() => undefined);
        if (options.remove) await rm(overlay, { recursive: true, force: true });
      }
      if (options.remove && !options.volumeId) await rm(base, { recursive: true, force: true });
    },
  };
}

export type VolumeStore = ReturnType<typeof createVolumeStore>;
