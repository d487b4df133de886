/**
 * The worker's options: command-line flags (node:util parseArgs), each also an environment variable
 * (`COMPUTEPLANE_SERVER`, `COMPUTEPLANE_API_KEY`, `COMPUTEPLANE_DEVICE_NAME`, `COMPUTEPLANE_MAX_TASKS`,
 * `COMPUTEPLANE_CACHE_DIR`, `COMPUTEPLANE_REREGISTER`, `COMPUTEPLANE_LISTEN`, `COMPUTEPLANE_ADVERTISE_HOST`,
 * `COMPUTEPLANE_REALTIME_PORT`); a flag wins over its variable. `--listen` turns on the peer mode (peer-server.ts).
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
  /** Peer mode: serve the Open Inference Protocol over gRPC here (and the realtime WebSocket on `realtimePort`). */
  listen?: { host: string; port: number };
  /** The host name or address others reach this machine at (the registered endpoints use it). */
  advertiseHost?: string;
  /** The realtime (WebSocket) endpoint's port; default: the gRPC port + 1. */
  realtimePort?: number;
  /** The bearer token callers of the peer endpoints must present (default: a random one, given to the server). */
  peerToken?: string;
}

function port(raw: string, flag: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 0 || value > 65535)
    throw new Error(`${flag} needs a port from 0 to 65535; got "${raw}"`);
  return value;
}

function peerToken(raw: string): string {
  if (raw.length < 16 || raw.length > 256) throw new Error('COMPUTEPLANE_PEER_TOKEN must be 16 to 256 characters');
  return raw;
}

/** `HOST:PORT` (`[::]:PORT` for IPv6) of --listen. */
function parseListen(raw: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(raw);
  if (!match) throw new Error(`--listen must be HOST:PORT such as 0.0.0.0:9090; got "${raw}"`);
  return { host: match[1] ?? match[2]!, port: port(match[3]!, '--listen') };
}

export const USAGE = `Usage: computeplane-worker --server URL --api-key KEY [--name NAME] [--max-tasks N] [--cache-dir DIR]
  --server     COMPUTEPLANE_SERVER      the server's base URL, e.g. http://host:8080
  --api-key    COMPUTEPLANE_API_KEY     an API key of the tenant the device joins
  --name       COMPUTEPLANE_DEVICE_NAME the device's name (default: this host's name)
  --max-tasks  COMPUTEPLANE_MAX_TASKS   tasks run at once, 1-64 (default: 1)
  --cache-dir  COMPUTEPLANE_CACHE_DIR   where model files are kept (default: ~/.cache/computeplane-worker)
  --reregister COMPUTEPLANE_REREGISTER  when the server refuses this device's token (device removed, token
                                        revoked, server data reset), register again as a new device with the
                                        API key instead of exiting (variable: true or 1)
  --listen     COMPUTEPLANE_LISTEN      peer mode: serve the Open Inference Protocol (gRPC) on HOST:PORT, e.g. 0.0.0.0:9090,
                                        and register this machine as a compute peer
  --advertise-host COMPUTEPLANE_ADVERTISE_HOST  the address others reach this machine at (default: the --listen host,
                                        or 127.0.0.1 when that is 0.0.0.0 or ::)
  --realtime-port  COMPUTEPLANE_REALTIME_PORT   the realtime WebSocket endpoint's port (default: the gRPC port + 1)
                 COMPUTEPLANE_PEER_TOKEN      the bearer token callers of the peer endpoints must present (default: random,
                                        registered with the server, which presents it)`;

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
      listen: { type: 'string' },
      'advertise-host': { type: 'string' },
      'realtime-port': { type: 'string' },
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
  const rawListen = values.listen ?? env.COMPUTEPLANE_LISTEN;
  const listen = rawListen ? parseListen(rawListen) : undefined;
  const rawRealtime = values['realtime-port'] ?? env.COMPUTEPLANE_REALTIME_PORT;
  const advertise = values['advertise-host'] ?? env.COMPUTEPLANE_ADVERTISE_HOST;
  return {
    server: url.origin,
    apiKey,
    name,
    maxTasks,
    cacheDir: values['cache-dir'] ?? env.COMPUTEPLANE_CACHE_DIR ?? join(homedir(), '.cache', 'computeplane-worker'),
    reregister: values.reregister ?? ['true', '1'].includes(env.COMPUTEPLANE_REREGISTER ?? ''),
    ...(listen
      ? {
          listen,
          advertiseHost: advertise ?? (['0.0.0.0', '::'].includes(listen.host) ? '127.0.0.1' : listen.host),
          ...(rawRealtime !== undefined ? { realtimePort: port(rawRealtime, '--realtime-port') } : {}),
          ...(env.COMPUTEPLANE_PEER_TOKEN ? { peerToken: peerToken(env.COMPUTEPLANE_PEER_TOKEN) } : {}),
        }
      : {}),
  };
}
