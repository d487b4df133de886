/**
 * Runs the built server exactly as `npm start` does (`node packages/server/dist/main.js`) in a child
 * process, and reads its JSON log lines to learn the port and what it said.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const mainScript = fileURLToPath(new URL('../../packages/server/dist/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** The metrics listener (loopback): `${metricsUrl}/metrics`. */
  metricsUrl: string;
  logs: Record<string, unknown>[];
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `script`: another build of the server to run (a benchmark's baseline); default the built one. */
export async function startServerProcess(env: Record<string, string>, script = mainScript): Promise<ServerProcess> {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry.port === 'number' && String(entry.msg).startsWith('listening')) {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening; stderr: ${stderr}`)));
  });
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${Number(logs.find((entry) => typeof entry.metrics_port === 'number')?.metrics_port)}`,
    logs,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
