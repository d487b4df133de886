/**
 * The other direction of port-forward.ts: makes chosen ports of the host's loopback reachable from inside
 * an instance, whose network namespace has only its own loopback. For each port the host listens on a unix
 * socket in a host-owned directory of the instance's volume (`/workspace/.host/<port>.sock`) and connects
 * each accepted connection to 127.0.0.1:<port> on the host; inside the container a small Node program
 * listens on the container's 127.0.0.1:<port> and connects each connection to that socket. The container
 * gets those ports and nothing else of the host: no interface is shared. Hand-written for the same reason
 * as port-forward.ts: no library crosses a network namespace.
 */
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

export const HOST_DIR = '.host';

/** Runs inside the container: 127.0.0.1:<port> -> the unix socket. */
const BRIDGE = `const net=require('net');const [port,path]=process.argv.slice(1);net.createServer(c=>{const s=net.connect(path);c.pipe(s);s.pipe(c);s.on('error',()=>c.destroy());c.on('error',()=>s.destroy())}).listen(Number(port),'127.0.0.1')`;

export async function forwardHostPorts(
  ports: number[],
  options: { workDir: string; volume: string; exec: (args: string[]) => ChildProcess },
): Promise<{ close(): Promise<void> }> {
  const dir = join(options.workDir, HOST_DIR);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const node = process.execPath.startsWith('/usr/') ? process.execPath : 'node';
  const servers: Server[] = [];
  const bridges: ChildProcess[] = [];
  for (const port of ports) {
    const path = join(dir, `${port}.sock`);
    const server = createServer((inside) => {
      const host = connect(port, '127.0.0.1');
      inside.pipe(host);
      host.pipe(inside);
      host.on('error', () => inside.destroy());
      inside.on('error', () => host.destroy());
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    // The container's root is an unprivileged host uid: it may connect, not replace the socket.
    await chmod(path, 0o666);
    servers.push(server);
    bridges.push(options.exec([node, '-e', BRIDGE, String(port), `${options.volume}/${HOST_DIR}/${port}.sock`]));
  }
  return {
    async close() {
      for (const bridge of bridges) bridge.kill('SIGTERM');
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
