/**
 * Creates every mount's destination inside the root before the runtime starts: with a user namespace,
 * runc mounts as the container's root, which may not create anything in a root owned by the host's root.
 * A file is bound onto a file, anything else onto a directory; what exists already is left alone.
 */
import { lstat, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function createMountPoints(root: string, mounts: { destination: string; source: string; type: string }[]) {
  for (const mount of mounts) {
    const target = join(root, mount.destination);
    if (
      await lstat(target).then(
        () => true,
        () => false,
      )
    )
      continue;
    const isFile = mount.type === 'bind' && (await stat(mount.source)).isFile();
    if (isFile) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, '');
    } else {
      await mkdir(target, { recursive: true });
    }
  }
}
