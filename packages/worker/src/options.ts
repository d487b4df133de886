/**
 * The worker's options: command-line flags (node:util parseArgs), each also an environment variable
 * (`COMPUTEPLANE_SERVER`, `COMPUTEPLANE_API_KEY`, `COMPUTEPLANE_DEVICE_NAME`, `COMPUTEPLANE_MAX_TASKS`,
 * `COMPUTEPLANE_CACHE_DIR`, `COMPUTEPLANE_REREGISTER`); a flag wins over its variable.
 */
import { hostname, homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface WorkerOptions {
  server: string;
  apiKey: string;
  name: string;
  maxTasks: number;
  cacheDir: string;
  /** When the server refuses the device's token: register again as a new device (else exit, see device-worker.ts). */
  reregister: boolean;
}

export const USAGE = `Usage: computeplane-worker --server URL --api-key KEY [--name NAME] [--max-tasks N] [--cache-dir DIR]
  --server     COMPUTEPLANE_SERVER      the server's base URL, e.g. http://host:8080
  --api-key    COMPUTEPLANE_API_KEY     an API key of the tenant the device joins
  --name       COMPUTEPLANE_DEVICE_NAME the device's name (default: this host's name)
  --max-tasks  COMPUTEPLANE_MAX_TASKS   tasks run at once, 1-64 (default: 1)
  --cache-dir  COMPUTEPLANE_CACHE_DIR   where model files are kept (default: ~/.cache/computeplane-worker)
  --reregister COMPUTEPLANE_REREGISTER  when the server refuses this device's token (device removed, token
                                        revoked, server data reset), register again as a new device with the
                                        API key instead of exiting (variable: true or 1)`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): WorkerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      'api-key': { type: 'string' },
      name: { type: 'string' },
      'max-tasks': { type: 'string' },
      'cache-dir': { type: 'string' },
      reregister: { type: 'boolean' },
    },
    strict: true,
  });
  const server = values.server ?? env.COMPUTEPLANE_SERVER;
  const apiKey = values['api-key'] ?? env.COMPUTEPLANE_API_KEY;
  if (!server) throw new Error('--server (or COMPUTEPLANE_SERVER) is required');
  if (!apiKey) throw new Error('--api-key (or COMPUTEPLANE_API_KEY) is required');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`--server must be a URL such as http://host:8080; got "${server}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('--server must be an http(s) URL');
  const rawMax = values['max-tasks'] ?? env.COMPUTEPLANE_MAX_TASKS ?? '1';
  const maxTasks = Number(rawMax);
  if (!/^\d+$/.test(rawMax) || maxTasks < 1 || maxTasks > 64)
    throw new Error(`--max-tasks must be an integer from 1 to 64; got "${rawMax}"`);
  const name = (values.name ?? env.COMPUTEPLANE_DEVICE_NAME ?? hostname()).slice(0, 100) || 'worker';
  return {
    server: url.origin,
    apiKey,
    name,
    maxTasks,
    cacheDir: values['cache-dir'] ?? env.COMPUTEPLANE_CACHE_DIR ?? join(homedir(), '.cache', 'computeplane-worker'),
    reregister: values.reregister ?? ['true', '1'].includes(env.COMPUTEPLANE_REREGISTER ?? ''),
  };
}
