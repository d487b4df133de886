/**
 * A workload container: `runc run --keep` in the foreground under a shell shim started in its own session,
 * so it outlives this server (a restarted server finds the container and its files again). runc hands its
 * stdio to the container's init, so the workload's stdout and stderr go to the log file; when it ends, the
 * shim writes runc's exit status (the init's code, 128+N when killed by signal N) to the exit file (written
 * to a temporary name and renamed, so a reader never sees half of it). The container is kept after its
 * exit so that its cgroup (the OOM count) can be read before `destroy`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ContainerSpec, SupervisedIo } from '../../container-driver.js';
import { prepareBundle } from './create.js';
import { removeBundle } from './destroy.js';
import { runc, type RuncContext } from './run-runc.js';

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

async function started(ctx: RuncContext, id: string, io: SupervisedIo): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (existsSync(io.exitPath)) return;
    const state = await runc(ctx, ['state', id], { stdout: true }).catch(() => undefined);
    if (state && (JSON.parse(state) as { status: string }).status !== 'creating') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`runc did not start container ${id} within 30 seconds`);
}

export async function runSupervised(ctx: RuncContext, spec: ContainerSpec, io: SupervisedIo): Promise<void> {
  try {
    const bundle = await prepareBundle(ctx, spec);
    const run = [ctx.binary, '--root', ctx.root, '--log', io.runtimeLogPath, '--log-format', 'json', 'run', '--keep']
      .concat(['--bundle', bundle, spec.id])
      .map(quote)
      .join(' ');
    const temporary = quote(`${io.exitPath}.tmp`);
    const script = `${run} >>${quote(io.logPath)} 2>&1 </dev/null; echo $? > ${temporary} && mv ${temporary} ${quote(io.exitPath)}`;
    const shim = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
    shim.on('error', () => undefined);
    shim.unref();
    await started(ctx, spec.id, io);
  } catch (error) {
    await runc(ctx, ['delete', '--force', spec.id]).catch(() => undefined);
    await removeBundle(ctx, spec.id);
    throw error;
  }
}

export const pause = (ctx: RuncContext, id: string) => runc(ctx, ['pause', id]).then(() => undefined);
export const resume = (ctx: RuncContext, id: string) => runc(ctx, ['resume', id]).then(() => undefined);
export const checkpoint = (ctx: RuncContext, id: string, dir: string) =>
  runc(ctx, ['checkpoint', '--image-path', dir, '--work-path', dir, id]).then(() => undefined);
