/** Lists, signals and removes containers; the sweep removes what a killed process of this node left behind. */
import { execFile } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerInfo } from '../../container-driver.js';
import { runc, type RuncContext } from './run-runc.js';

export async function list(ctx: RuncContext): Promise<ContainerInfo[]> {
  const rows = JSON.parse((await runc(ctx, ['list', '--format', 'json'], { stdout: true })) || 'null') as
    { id: string; status: string; pid: number }[] | null;
  return (rows ?? []).map((row) => ({ id: row.id, status: row.status, pid: row.pid }));
}

export async function kill(ctx: RuncContext, id: string, signal = 'KILL'): Promise<void> {
  await runc(ctx, ['kill', '--all', id, signal]);
}

/** Removes a bundle, unmounting its root first when it is a mount of its own (an overlay). */
export async function removeBundle(ctx: RuncContext, id: string): Promise<void> {
  const root = join(ctx.bundles, id, 'rootfs');
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  if (mounts.split('\n').some((line) => line.split(' ')[1] === root))
    await new Promise<void>((resolve) => execFile('umount', ['-l', root], () => resolve()));
  await rm(join(ctx.bundles, id), { recursive: true, force: true });
}

/** `delete --force` kills every process of the container (through its cgroup) before removing it. */
export async function destroy(ctx: RuncContext, id: string): Promise<void> {
  const known = (await list(ctx)).some((container) => container.id === id);
  if (known) await runc(ctx, ['delete', '--force', id]);
  await removeBundle(ctx, id);
}

export async function sweep(ctx: RuncContext, prefix: string): Promise<string[]> {
  const ids = new Set((await list(ctx)).map((container) => container.id).filter((id) => id.startsWith(prefix)));
  for (const name of await readdir(ctx.bundles).catch(() => [] as string[])) if (name.startsWith(prefix)) ids.add(name);
  for (const id of ids) await destroy(ctx, id);
  return [...ids];
}
