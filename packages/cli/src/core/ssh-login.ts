/**
 * SSH into a rented machine (GPU sessions, pods) with the system `ssh`. The one-time private key of a create
 * response is kept under `~/.config/computeplane/keys/<id>` (0600 in a 0700 directory); `sshLogin` copies the
 * key to a fresh 0600 temporary file (so a key file with looser permissions still works), runs `ssh` with the
 * terminal handed over, removes the file afterwards and ends the process with ssh's exit code.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';
import type { Output } from './output.js';
import { profileFilePath } from './profile-file.js';

/** Where the one-time key of a session or pod is kept. */
export function savedKeyPath(id: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(profileFilePath(env)), 'keys', id);
}

/** Writes a private key with mode 0600 (its directory 0700) to `path`, or to the saved-key place of `id`. */
export async function saveKey(id: string, key: string, path?: string): Promise<string> {
  const target = path ?? savedKeyPath(id);
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  await writeFile(target, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
  await chmod(target, 0o600);
  return target;
}

/** The key to log in with: `--identity <file>` (`-` reads stdin) or the one saved when `id` was created. */
export async function loadKey(id: string, identity: string | undefined, readStdin: () => Promise<string>) {
  const path = identity ?? savedKeyPath(id);
  if (identity === '-') return readStdin();
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(
      identity
        ? `--identity: cannot read ${identity} (${code})`
        : `no saved key for ${id} at ${path} (${code}); pass --identity <private key file>`,
    );
  }
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** The private key's text. */
  key: string;
  /** The remote command (words after `--`); none: an interactive shell. */
  command: string[];
  /** Known host keys of this machine, trusted on first use. */
  knownHostsFile: string;
}

/** ssh's arguments for `target` with the key at `keyFile`. */
export function sshArguments(target: SshTarget, keyFile: string): string[] {
  return [
    '-i',
    keyFile,
    '-p',
    String(target.port),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    `UserKnownHostsFile=${target.knownHostsFile}`,
    `${target.user}@${target.host}`,
    ...target.command,
  ];
}

/** Known host keys of one rented machine (its own file: machines come and go on reused ports). */
export function knownHostsPath(id: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(profileFilePath(env)), 'known_hosts', id);
}

async function writeTemporaryKey(key: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'computeplane-ssh-'));
  const file = join(dir, 'id');
  await writeFile(file, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { dir, file };
}

/**
 * With `print`: writes the key file, prints the ssh command on stdout and leaves the file (a note says where).
 * Otherwise runs ssh (stdio inherited), removes the key file, and exits with ssh's code.
 */
export async function sshLogin(out: Output, target: SshTarget, options: { print: boolean }): Promise<void> {
  await mkdir(dirname(target.knownHostsFile), { recursive: true, mode: 0o700 });
  const { dir, file } = await writeTemporaryKey(target.key);
  const args = sshArguments(target, file);
  if (options.print) {
    out.line(['ssh', ...args].map(shellWord).join(' '));
    out.note(`The key file ${file} stays until you remove it.`);
    return;
  }
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  const child = spawn('ssh', args, { stdio: 'inherit' });
  // Ctrl-C reaches ssh too (same terminal); this process only waits for it.
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', () => {});
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new UsageError('ssh was not found on PATH; install OpenSSH (or use --print to see the command)')
          : error,
      ),
    );
    child.once('exit', (exit, signal) => resolve(exit ?? (signal === 'SIGINT' ? 130 : 255)));
  }).finally(remove);
  process.exit(code);
}

const shellWord = (word: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
