/**
 * Where each setting comes from, first found wins: the command-line flag, then the environment
 * (COMPUTEPLANE_BASE_URL, COMPUTEPLANE_API_KEY, COMPUTEPLANE_PROFILE, COMPUTEPLANE_TIMEOUT), then the profile
 * file, then the default. The admin key (--admin-key, then COMPUTEPLANE_ADMIN_KEY) is never read from or written
 * to the profile file: an operator credential stays out of files on disk.
 */
import { UsageError } from './errors.js';
import { profileFilePath, readProfileFile } from './profile-file.js';

export const DEFAULT_BASE_URL = 'http://localhost:8080';
export const DEFAULT_PROFILE = 'default';

/** The global flags every command accepts (commander's camel-cased names). */
export interface GlobalFlags {
  baseUrl?: string;
  apiKey?: string;
  adminKey?: string;
  profile?: string;
  json?: boolean;
  timeout?: string;
  cancelOnInterrupt?: boolean;
}

export type Source = 'flag' | 'env' | 'profile' | 'default';

export interface Settings {
  baseUrl: string;
  apiKey: string | undefined;
  /** Operator key for the admin commands (X-Admin-Key): flag or environment only. */
  adminKey: string | undefined;
  profile: string;
  profilePath: string;
  timeoutMs: number;
  json: boolean;
  cancelOnInterrupt: boolean;
  /** Where baseUrl and the keys came from (`computeplane config` shows it). */
  sources: { baseUrl: Source; apiKey: Source | 'none'; adminKey: 'flag' | 'env' | 'none' };
}

/** `allowNewProfile`: a profile named but not in the file is not an error (login creates it). */
export async function resolveSettings(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: { allowNewProfile?: boolean } = {},
): Promise<Settings> {
  const profilePath = profileFilePath(env);
  const file = await readProfileFile(profilePath);
  const profile = flags.profile ?? env.COMPUTEPLANE_PROFILE ?? file.default_profile ?? DEFAULT_PROFILE;
  const explicitProfile = flags.profile ?? env.COMPUTEPLANE_PROFILE;
  const stored = file.profiles[profile];
  if (explicitProfile && !stored && !options.allowNewProfile && Object.keys(file.profiles).length > 0)
    throw new UsageError(
      `no profile "${profile}" in ${profilePath} (profiles: ${Object.keys(file.profiles).join(', ')}); run \`computeplane login --profile ${profile}\``,
    );
  const pick = <T>(flag: T | undefined, fromEnv: T | undefined, fromProfile: T | undefined) =>
    flag !== undefined
      ? { value: flag, source: 'flag' as const }
      : fromEnv !== undefined && fromEnv !== ''
        ? { value: fromEnv, source: 'env' as const }
        : fromProfile !== undefined
          ? { value: fromProfile, source: 'profile' as const }
          : undefined;
  const baseUrl = pick(flags.baseUrl, env.COMPUTEPLANE_BASE_URL, stored?.base_url);
  const apiKey = pick(flags.apiKey, env.COMPUTEPLANE_API_KEY, stored?.api_key);
  // Never from the profile: the file has no place for it, and `login` never writes one.
  const adminKey = pick(flags.adminKey, env.COMPUTEPLANE_ADMIN_KEY, undefined) as
    { value: string; source: 'flag' | 'env' } | undefined;
  const timeout = flags.timeout ?? env.COMPUTEPLANE_TIMEOUT;
  return {
    baseUrl: checkBaseUrl(baseUrl?.value ?? DEFAULT_BASE_URL),
    apiKey: apiKey?.value,
    adminKey: adminKey?.value,
    profile,
    profilePath,
    timeoutMs: timeout === undefined ? 60_000 : parseTimeout(timeout),
    json: flags.json === true,
    cancelOnInterrupt: flags.cancelOnInterrupt === true,
    sources: {
      baseUrl: baseUrl?.source ?? 'default',
      apiKey: apiKey?.source ?? 'none',
      adminKey: adminKey?.source ?? 'none',
    },
  };
}

export function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`base URL "${value}" is not a URL; give one like ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`base URL "${value}" must start with http:// or https://`);
  return value.replace(/\/+$/, '');
}

/** `30s`, `2m`, `1500ms` or plain seconds. */
export function parseTimeout(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match || Number(match[1]) <= 0)
    throw new UsageError(`timeout "${value}" is not a duration; give seconds (30) or 30s, 1500ms, 2m`);
  const unit = match[2] ?? 's';
  return Math.round(Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
}
