/**
 * What a local instance's container is: this machine's system directories read-only (so `sh`, `node`,
 * coreutils and `nvidia-smi` work), the instance's directory as its writable volume at `/workspace`, a
 * private `/root` and `/tmp`, the GPUs' device nodes, CPU and memory limits, and, where the host allows
 * it, a user namespace whose root is an unprivileged host uid of its own. Its first process reaps
 * orphans (it is PID 1 of the container) and lives as long as the instance.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerLimits, ContainerSpec } from '../../platform/containers/index.js';
import { hostView } from '../../platform/containers/index.js';

export const VOLUME = '/workspace';
export const HOME = '/root';

/**
 * PID 1: a shell that waits in a loop; each `wait` also reaps any orphan the shell inherited, so background
 * processes of ended SSH commands leave no zombies. SIGTERM ends it.
 */
const INIT = ['/bin/sh', '-c', 'trap "exit 0" TERM; while :; do sleep 5 & wait $!; done'];

/** First host uid of the ranges given to containers' user namespaces (above any ordinary account). */
const UID_BASE = 1_000_000;
const UID_RANGE = 65_536;
const UID_SLOTS = 30_000;

/** Host uid ranges, one per live container of this process, picked at random so other servers rarely pick the same. */
export function createUidAllocator() {
  const used = new Set<number>();
  return {
    take(): number {
      let slot: number;
      do slot = Math.floor(Math.random() * UID_SLOTS);
      while (used.has(slot));
      used.add(slot);
      return UID_BASE + slot * UID_RANGE;
    },
    give(hostId: number) {
      used.delete((hostId - UID_BASE) / UID_RANGE);
    },
  };
}

/** The NVIDIA device nodes of this machine (none without a GPU driver). */
export function gpuDevices(): string[] {
  try {
    return readdirSync('/dev')
      .filter((name) => name.startsWith('nvidia'))
      .map((name) => join('/dev', name))
      .filter((path) => statSync(path).isCharacterDevice());
  } catch {
    return [];
  }
}

export function instanceContainer(options: {
  id: string;
  workDir: string;
  env: Record<string, string>;
  limits: ContainerLimits;
  userHostId: number | null;
}): ContainerSpec {
  return {
    id: options.id,
    rootfs: hostView(),
    mounts: [{ source: options.workDir, destination: VOLUME, readonly: false }],
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME,
      ...options.env,
    },
    cwd: VOLUME,
    hostname: options.id.slice(0, 63),
    limits: options.limits,
    user: options.userHostId === null ? null : { hostId: options.userHostId, size: UID_RANGE },
    devices: gpuDevices(),
    init: INIT,
  };
}
