/**
 * A real SSH endpoint for a local instance (ssh2's server): it accepts exactly the instance's public keys,
 * runs each `exec` request's command (and a `shell` request's shell, without a pty) through `run`, which
 * starts it inside the instance's container, passes stdin, stdout, stderr and the exit status through,
 * and reports activity, so SSH verification, diagnostics and idle detection work against the local
 * provider as they do against a cloud one.
 */
import type { ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { generateEd25519KeyPair } from '../ssh-key-pair.js';

const { Server, utils } = ssh2;

export interface SshEndpoint {
  port: number;
  /** Logged-in SSH connections now. */
  connections(): number;
  close(): Promise<void>;
}

export async function startSshEndpoint(options: {
  host: string;
  /** One OpenSSH public key per line; each may log in. */
  authorizedKey: string;
  /** Starts `command` (null: a shell reading its commands from stdin) where the instance runs. */
  run: (command: string | null) => ChildProcess;
  onActivity: () => void;
}): Promise<SshEndpoint> {
  const keys = options.authorizedKey
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const parsed = utils.parseKey(line);
      if (parsed instanceof Error) throw new Error(`the SSH public key cannot be parsed: ${parsed.message}`);
      return { key: parsed, blob: parsed.getPublicSSH() };
    });
  if (keys.length === 0) throw new Error('no SSH public key to accept');
  const ready = new Set<ssh2.Connection>();
  const hostKey = generateEd25519KeyPair().privateKey;
  const children = new Set<ChildProcess>();
  const clients = new Set<ssh2.Connection>();

  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    clients.add(client);
    client.on('close', () => {
      clients.delete(client);
      ready.delete(client);
    });
    client.on('authentication', (context) => {
      if (context.method !== 'publickey') return context.reject(['publickey']);
      const offered = context.key.data;
      const match = keys.find(
        ({ key, blob }) =>
          key.type === context.key.algo && offered.length === blob.length && timingSafeEqual(offered, blob),
      );
      if (!match) return context.reject(['publickey']);
      if (context.signature && context.blob && !match.key.verify(context.blob, context.signature, context.hashAlgo))
        return context.reject(['publickey']);
      context.accept();
    });
    client.on('ready', () => {
      ready.add(client);
      options.onActivity();
      client.on('session', (accept) => {
        const session = accept();
        const start = (channel: ssh2.ServerChannel, command: string | null) => {
          options.onActivity();
          const child = options.run(command);
          children.add(child);
          // Not ended by the pipes: the exit status must go out before the channel closes.
          child.stdout!.pipe(channel, { end: false });
          child.stderr!.pipe(channel.stderr, { end: false });
          child.stdin!.on('error', () => undefined);
          channel.on('data', (data: Buffer) => child.stdin!.write(data));
          channel.on('end', () => child.stdin!.end());
          child.on('close', (code) => {
            children.delete(child);
            options.onActivity();
            channel.exit(code ?? 1);
            channel.end();
          });
        };
        session.on('exec', (acceptExec, _reject, info) => start(acceptExec(), info.command));
        session.on('shell', (acceptShell) => start(acceptShell(), null));
      });
    });
    client.on('error', () => undefined);
  });

  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => ready.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const child of children) child.kill('SIGKILL');
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}
