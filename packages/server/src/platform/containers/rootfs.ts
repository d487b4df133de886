/**
 * Where a container's root filesystem comes from, kept pluggable: `hostView()` shows this machine's system
 * directories read-only over an empty root of our own (what a local instance runs on), and
 * `imageDirectory()` uses an unpacked OCI image's rootfs (what umoci produces), and `imageOverlay()` puts a
 * writable layer of the container's own over it (the instances area: one unpacked image, many instances).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minimalEtc } from './minimal-etc.js';

/** A bind mount of a host path into the container. */
export interface ContainerMount {
  source: string;
  destination: string;
  readonly: boolean;
}

export interface PreparedRootfs {
  /** The directory that becomes `/` (made read-only by the driver). */
  path: string;
  /** Bind mounts the root needs (host directories for a host view; none for an image). */
  mounts: ContainerMount[];
  /** Whether the root is writable (an overlay of its own); read-only otherwise. */
  writable?: boolean;
}

export interface RootfsSource {
  readonly kind: string;
  /** Lays the root out inside `bundleDir` (a directory of the container's own) for the container `hostname`. */
  prepare(bundleDir: string, hostname: string): Promise<PreparedRootfs>;
}

/** The host's system directories; `/bin`, `/lib*` and `/sbin` are symlinks into `/usr` on merged-/usr systems. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** Read-only pieces of the host's /etc that tools need and that hold no secret. */
const HOST_ETC = ['/etc/alternatives', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/ssl/certs'];

export function hostView(): RootfsSource {
  return {
    kind: 'host-view',
    async prepare(bundleDir, hostname) {
      const root = join(bundleDir, 'rootfs');
      await mkdir(join(root, 'etc'), { recursive: true, mode: 0o755 });
      const mounts: ContainerMount[] = [];
      for (const dir of SYSTEM_DIRS) {
        if (!existsSync(dir)) continue;
        if ((await lstat(dir)).isSymbolicLink()) await symlink(await readlink(dir), join(root, dir));
        else mounts.push({ source: dir, destination: dir, readonly: true });
      }
      for (const [name, text] of Object.entries(minimalEtc(hostname)))
        await writeFile(join(root, 'etc', name), text, { mode: 0o644 });
      for (const path of HOST_ETC)
        if (existsSync(path)) mounts.push({ source: path, destination: path, readonly: true });
      return { path: root, mounts };
    },
  };
}

/** An unpacked OCI image (`umoci unpack` writes `<dir>/rootfs`); its files are used as they are. */
export function imageDirectory(rootfsPath: string): RootfsSource {
  return {
    kind: 'image',
    async prepare() {
      return { path: rootfsPath, mounts: [] };
    },
  };
}

/**
 * An unpacked image as the lower layer of an overlay whose writes go to `layerDir` (`upper`, `work`):
 * the image stays unchanged and shared, each container writes its own layer. The driver unmounts it
 * when it destroys the container.
 */
export function imageOverlay(rootfsPath: string, layerDir: string): RootfsSource {
  return {
    kind: 'image-overlay',
    async prepare(bundleDir) {
      const root = join(bundleDir, 'rootfs');
      for (const dir of [root, join(layerDir, 'upper'), join(layerDir, 'work')]) await mkdir(dir, { recursive: true });
      const options = `lowerdir=${rootfsPath},upperdir=${join(layerDir, 'upper')},workdir=${join(layerDir, 'work')}`;
      await new Promise<void>((resolve, reject) =>
        execFile('mount', ['-t', 'overlay', 'overlay', '-o', options, root], (error, _out, stderr) =>
          error ? reject(new Error(`overlay mount failed: ${stderr.trim() || error.message}`)) : resolve(),
        ),
      );
      return { path: root, mounts: [], writable: true };
    },
  };
}
