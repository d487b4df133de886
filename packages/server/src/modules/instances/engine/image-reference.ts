/**
 * Which image references a tenant may pull: skopeo's `docker://` transport (the default when a name has
 * none), and the local ones (`oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, `docker-archive:FILE`) only for
 * paths inside the operator's import directory, resolved after symlinks, so no tenant can read host files.
 * Relative paths are taken relative to that directory (`oci:busybox:latest` is `<IMAGE_IMPORT_DIR>/busybox`).
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

const LOCAL = ['oci', 'oci-archive', 'docker-archive'] as const;
/** skopeo's transports; a name starting with none of them is a registry reference (`alpine:3`, `host:5000/x`). */
const SKOPEO_TRANSPORTS = [
  'containers-storage',
  'dir',
  'docker',
  'docker-daemon',
  'ostree',
  'sif',
  'tarball',
  ...LOCAL,
] as string[];

export class ReferenceError extends Error {}

/** The skopeo source for `name`, or a ReferenceError saying what is wrong. */
export async function resolveReference(name: string, importDir: string): Promise<string> {
  if (name.startsWith('docker://')) return name;
  const transport = /^([a-z-]+):/.exec(name)?.[1];
  if (!transport || !SKOPEO_TRANSPORTS.includes(transport)) return `docker://${name}`;
  if (!(LOCAL as readonly string[]).includes(transport))
    throw new ReferenceError(
      `Transport '${transport}:' is not allowed: use docker:// (the default), or oci:, oci-archive:, docker-archive: for files under the server's image import directory`,
    );
  const rest = name.slice(transport.length + 1);
  const [path, tag] = splitTag(rest, transport);
  if (!path) throw new ReferenceError(`'${name}' names no path after '${transport}:'`);
  const full = isAbsolute(path) ? path : join(importDir, path);
  const real = await realpath(full).catch(() => null);
  const root = await realpath(importDir).catch(() => importDir);
  if (!real) throw new ReferenceError(`'${path}' does not exist under the image import directory`);
  const inside = relative(root, real);
  if (inside.startsWith('..') || isAbsolute(inside))
    throw new ReferenceError(`'${path}' is outside the image import directory; local images must be placed there`);
  return `${transport}:${real}${tag ? `:${tag}` : ''}`;
}

/** `docker-archive:` takes no tag here; `oci:` and `oci-archive:` take one after the last colon. */
function splitTag(rest: string, transport: string): [string, string | undefined] {
  const colon = rest.lastIndexOf(':');
  if (transport === 'docker-archive' || colon < 0) return [rest, undefined];
  return [rest.slice(0, colon), rest.slice(colon + 1) || undefined];
}
