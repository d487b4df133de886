/**
 * Where a container's root filesystem comes from, kept pluggable: `hostView()` shows this machine's system
 * directories read-only over an empty root of our own (what a local instance runs on), and
 * `imageDirectory()` uses an unpacked OCI image's rootfs (what umoci produces, for the instances area).
 */
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
