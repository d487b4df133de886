/**
 * The runc driver: containers run by runc (1.1, cgroup v1 here) with its state under a directory of ours,
 * so `list` and `sweep` only ever see containers this server created.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerDriver } from '../../container-driver.js';
import { create } from './create.js';
import { destroy, kill, list, sweep } from './destroy.js';
import { stats } from './stats.js';
import { exec } from './exec.js';
import { checkpoint, pause, resume, runSupervised } from './supervised.js';
import type { RuncContext } from './run-runc.js';

export { probeRunc } from './probe.js';

export function createRuncDriver(options: { stateDir: string; binary?: string }): ContainerDriver {
  const ctx: RuncContext = {
    root: join(options.stateDir, 'runc'),
    bundles: join(options.stateDir, 'bundles'),
    binary: options.binary ?? 'runc',
  };
  // The bundles directory must be traversable by a user namespace's root (an unprivileged host uid).
  let dirs: Promise<void> | undefined;
  const ready = () =>
    (dirs ??= (async () => {
      await mkdir(options.stateDir, { recursive: true });
      await chmod(options.stateDir, 0o711);
      await mkdir(ctx.root, { recursive: true, mode: 0o700 });
      await mkdir(ctx.bundles, { recursive: true, mode: 0o711 });
    })());
  return {
    name: 'runc',
    create: async (spec) => {
      await ready();
      await create(ctx, spec);
    },
    runSupervised: async (spec, io) => {
      await ready();
      await runSupervised(ctx, spec, io);
    },
    pause: (id) => pause(ctx, id),
    resume: (id) => resume(ctx, id),
    checkpoint: (id, dir) => checkpoint(ctx, id, dir),
    cgroupDir: (id, controller) => `/sys/fs/cgroup/${controller}/computeplane/${id}`,
    exec: (id, args, execOptions) => exec(ctx, id, args, execOptions),
    list: async () => (await ready(), list(ctx)),
    stats: async (id) => (await ready(), stats(ctx, id)),
    kill: (id, signal) => kill(ctx, id, signal),
    destroy: async (id) => (await ready(), destroy(ctx, id)),
    sweep: async (prefix) => (await ready(), sweep(ctx, prefix)),
  };
}
