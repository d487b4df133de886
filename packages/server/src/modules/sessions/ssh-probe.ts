/**
 * Network checks against an instance: a full SSH login with the session's key running `true` (the
 * verification before `running`), an SSH banner check (diagnostics), and a TCP connect to a port
 * (entrypoint mode). Each has a timeout and never throws for an unreachable host.
 */
import { connect } from 'node:net';
import ssh2 from 'ssh2';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

/** Logs in with `privateKey` and runs `true`; rejects with the reason when that does not succeed in time. */
export function verifySsh(target: SshTarget, privateKey: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`SSH did not answer within ${timeoutMs} ms`)), timeoutMs);
    client.on('ready', () => {
      client.exec('true', (error, channel) => {
        if (error) return finish(error);
        channel.on('exit', (code: number | null) =>
          finish(code === 0 ? undefined : new Error(`'true' exited with ${code}`)),
        );
        channel.on('close', () => finish(new Error('the SSH channel closed without an exit status')));
        channel.resume();
      });
    });
    client.on('error', (error) => finish(error));
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      privateKey,
      readyTimeout: timeoutMs,
    });
  });
}

/** True when `host:port` accepts a TCP connection within the timeout. */
export function probePort(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return probe(host, port, timeoutMs, false);
}

/** True when `host:port` answers with an SSH identification line (`SSH-2.0-...`) within the timeout. */
export function probeSshBanner(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return probe(host, port, timeoutMs, true);
}

function probe(host: string, port: number, timeoutMs: number, banner: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (!banner) done(true);
    });
    socket.on('data', (data: Buffer) => done(data.toString('latin1').startsWith('SSH-')));
  });
}
