/**
 * A real SSH endpoint for a local instance (ssh2's server): it accepts exactly the instance's public key,
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
  close(): Promise<void>;
}

export async function startSshEndpoint(options: {
  host: string;
  authorizedKey: string;
  /** Starts `command` (null: a shell reading its commands from stdin) where the instance runs. */
  run: (command: string | null) => ChildProcess;
  onActivity: () => void;
}): Promise<SshEndpoint> {
  const authorized = utils.parseKey(options.authorizedKey);
  if (authorized instanceof Error) throw new Error(`the SSH public key cannot be parsed: ${authorized.message}`);
  const allowed = authorized.getPublicSSH();
  const hostKey = generateEd25519KeyPair().privateKey;
  const children = new Set<ChildProcess>();
  const clients = new Set<ssh2.Connection>();

  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (context) => {
      if (context.method !== 'publickey' || context.key.algo !== authorized.type) return context.reject(['publickey']);
      const offered = context.key.data;
      if (offered.length !== allowed.length || !timingSafeEqual(offered, allowed)) return context.reject(['publickey']);
      if (context.signature && context.blob && !authorized.verify(context.blob, context.signature, context.hashAlgo))
        return context.reject(['publickey']);
      context.accept();
    });
    client.on('ready', () => {
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const child of children) child.kill('SIGKILL');
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}
