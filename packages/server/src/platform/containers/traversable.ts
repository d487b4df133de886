/**
 * Whether a user namespace's root (an unprivileged host uid, "others" to the host's files) can reach a
 * path: runc mounts a container's root and volumes from inside the namespace, so every directory above
 * them needs the others' execute bit.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** The first directory on the way to `path` that others cannot pass, or null when there is none. */
export async function blockedAncestor(path: string): Promise<string | null> {
  let dir = resolve(path);
  for (;;) {
    const mode = await stat(dir).then(
      (s) => s.mode,
      () => 0o777,
    );
    if ((mode & 0o001) === 0) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
