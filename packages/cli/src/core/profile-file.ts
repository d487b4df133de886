/**
 * The profile file, `~/.config/computeplane/config.json` (or under `$XDG_CONFIG_HOME`): named profiles of
 * base URL and API key, written by `computeplane login` with mode 0600 in a 0700 directory.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';

export interface Profile {
  base_url?: string;
  api_key?: string;
}

export interface ProfileFile {
  /** The profile used when neither --profile nor COMPUTEPLANE_PROFILE names one. */
  default_profile?: string;
  profiles: Record<string, Profile>;
}

export function profileFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'computeplane', 'config.json');
}

export async function readProfileFile(path: string): Promise<ProfileFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON; fix it or run \`computeplane login\` again`);
  }
  const file = parsed as Partial<ProfileFile> | null;
  if (!file || typeof file !== 'object' || (file.profiles !== undefined && typeof file.profiles !== 'object'))
    throw new UsageError(`${path} has no "profiles" object; fix it or run \`computeplane login\` again`);
  return { ...file, profiles: file.profiles ?? {} };
}

/** Writes atomically (temp file, then rename) with mode 0600; the directory gets 0700. */
export async function writeProfileFile(path: string, file: ProfileFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}
