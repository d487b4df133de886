/**
 * A real SSH endpoint for a local instance (ssh2's server): it accepts exactly the instance's public key,
 * runs `exec` requests with /bin/sh in the instance's directory, and reports activity, so SSH verification,
 * diagnostics and idle detection work against the local provider as they do against a cloud one.
 */
import { spawn } from 'node:child_process';
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
  workDir: string;
  env: Record<string, string>;
  onActivity: () => void;
}): Promise<SshEndpoint> {
  const authorized = utils.parseKey(options.authorizedKey);
  if (authorized instanceof Error) throw new Error(`the SSH public key cannot be parsed: ${authorized.message}`);
  const allowed = authorized.getPublicSSH();
  const hostKey = generateEd25519KeyPair().privateKey;
  const children = new Set<ReturnType<typeof spawn>>();
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
        session.on('exec', (acceptExec, _reject, info) => {
          options.onActivity();
          const channel = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command], {
            cwd: options.workDir,
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.workDir, ...options.env },
          });
          children.add(child);
          // Not ended by the pipes: the exit status must go out before the channel closes.
          child.stdout.pipe(channel, { end: false });
          child.stderr.pipe(channel.stderr, { end: false });
          channel.on('data', (data: Buffer) => child.stdin.write(data));
          channel.on('end', () => child.stdin.end());
          child.on('close', (code) => {
            children.delete(child);
            options.onActivity();
            channel.exit(code ?? 1);
            channel.end();
          });
        });
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
