/**
 * Runs a command inside a running container with `runc exec`: runc joins the container's namespaces and
 * cgroup, the process inherits the container's environment (plus `env`) and runc's own stdio, and runc
 * exits with the command's status and forwards the signals it receives to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ExecOptions } from '../../container-driver.js';
import type { RuncContext } from './run-runc.js';

export function exec(ctx: RuncContext, id: string, args: string[], options: ExecOptions = {}): ChildProcess {
  const flags = [
    ...(options.cwd ? ['--cwd', options.cwd] : []),
    ...Object.entries(options.env ?? {}).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
  ];
  const child = spawn(ctx.binary, ['--root', ctx.root, 'exec', ...flags, id, ...args], {
    stdio: options.stdio === 'ignore' ? 'ignore' : 'pipe',
  });
  child.on('error', () => undefined);
  return child;
}
