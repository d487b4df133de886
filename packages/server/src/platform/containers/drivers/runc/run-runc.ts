/**
 * Runs the runc binary against our own state root (`--root`), so only our containers are seen or touched.
 * Its stdio is /dev/null and its own messages go to a log file: a container's init inherits runc's stdio,
 * and would otherwise hold our pipes open for its whole life.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface RuncContext {
  /** runc's state directory (`runc --root`). */
  root: string;
  /** Where each container's bundle (config.json, rootfs) is written: `<bundles>/<id>`. */
  bundles: string;
  binary: string;
}

let calls = 0;

/** runc's messages in its JSON log, one object a line; the last error names what failed. */
function lastError(log: string): string | undefined {
  const messages = log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as { level?: string; msg?: string };
      } catch {
        return { msg: line };
      }
    });
  return messages.filter((m) => m.level === 'error' || m.level === 'fatal').pop()?.msg ?? messages.pop()?.msg;
}

/** Runs `runc <args>`; resolves with its stdout (only `list` prints one), rejects with its error message. */
export async function runc(ctx: RuncContext, args: string[], options: { stdout?: boolean } = {}): Promise<string> {
  const log = join(ctx.root, `call-${process.pid}-${++calls}.log`);
  const child = spawn(ctx.binary, ['--root', ctx.root, '--log', log, '--log-format', 'json', ...args], {
    stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'ignore'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  const logged = await readFile(log, 'utf8').catch(() => '');
  await rm(log, { force: true });
  if (code !== 0) throw new Error(`runc ${args[0]} failed: ${lastError(logged) ?? `exit code ${code}`}`);
  return stdout;
}
