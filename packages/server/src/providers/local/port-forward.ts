/**
 * Makes an instance's exposed ports (`EXPOSED_PORTS`) reachable from this machine: a listener on the host's
 * 127.0.0.1:<port> bridges each connection into the container's own network namespace, where the port is
 * open on its loopback, through a small Node program run with `exec` (the container has no interface a
 * host socket could reach). Written here because no library crosses a network namespace without one.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';

/** Runs inside the container: stdin/stdout <-> 127.0.0.1:<port>. */
const BRIDGE = `const s=require('net').connect(Number(process.argv[1]),'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout);s.on('error',()=>process.exit(1));s.on('close',()=>process.exit(0))`;

/** The ports listed in `EXPOSED_PORTS` (comma-separated), valid ones only. */
export function exposedPorts(env: Record<string, string>): number[] {
  return (env.EXPOSED_PORTS ?? '')
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((port) => Number.isInteger(port) && port > 0 && port < 65_536);
}

export async function forwardPorts(
  ports: number[],
  exec: (args: string[]) => ChildProcess,
  onActivity: () => void,
): Promise<{ close(): Promise<void> }> {
  const node = process.execPath.startsWith('/usr/') ? process.execPath : 'node';
  const servers: Server[] = [];
  for (const port of ports) {
    const server = createServer((socket) => {
      onActivity();
      const child = exec([node, '-e', BRIDGE, String(port)]);
      socket.pipe(child.stdin!);
      child.stdout!.pipe(socket);
      child.stdin!.on('error', () => undefined);
      socket.on('error', () => child.kill('SIGTERM'));
      child.on('close', () => socket.destroy());
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)).catch(() => undefined);
    servers.push(server);
  }
  return {
    close: async () => {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
