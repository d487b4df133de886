/**
 * A directory with a size limit: an ext4 file system in a sparse file, loop-mounted. What is written past
 * the size fails with ENOSPC, inside a container as on the host. Used for volumes and for the writable
 * layers of instances and of readonly volumes' overlays. Mounting is idempotent (a restarted server mounts
 * again what is not mounted).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { runTool } from './run-tool.js';

export async function isMounted(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return mounts.split('\n').some((line) => line.split(' ')[1] === path);
}

/** Creates (once) the file system of `sizeBytes` in `image` and mounts it on `mountPoint`. */
export async function mountLoopFs(image: string, mountPoint: string, sizeBytes: number): Promise<void> {
  if (!existsSync(image)) {
    await runTool('truncate', ['-s', String(sizeBytes), image]);
    await runTool('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', 'root_owner=0:0', image]);
  }
  await mkdir(mountPoint, { recursive: true });
  if (!(await isMounted(mountPoint))) await runTool('mount', ['-o', 'loop', image, mountPoint]);
}

export async function unmountLoopFs(mountPoint: string): Promise<void> {
  if (await isMounted(mountPoint)) await runTool('umount', ['-l', mountPoint]).catch(() => undefined);
}

/** Unmounts and deletes the file system. */
export async function removeLoopFs(image: string, mountPoint: string): Promise<void> {
  await unmountLoopFs(mountPoint);
  await rm(mountPoint, { recursive: true, force: true });
  await rm(image, { force: true });
}
