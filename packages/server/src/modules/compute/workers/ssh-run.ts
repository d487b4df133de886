/**
 * Runs commands on a worker's instance over SSH (ssh2's client, the key made for the job): one connection
 * per stage, a command per `exec` with its stdin fed from a stream or a string and its exit status and the
 * tail of its output returned. The command's output is never logged (it may echo the runtime's env).
 */
import type { Readable } from 'node:stream';
import ssh2 from 'ssh2';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

export interface SshConnection {
  exec(command: string, stdin?: Readable | string): Promise<{ code: number | null; output: string }>;
  close(): void;
}

export function sshConnect(target: SshTarget, privateKey: string, timeoutMs: number): Promise<SshConnection> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () =>
      resolve({
        exec: (command, stdin) =>
          new Promise((done, fail) => {
            client.exec(command, (error, channel) => {
              if (error) return fail(error);
              let output = '';
              const keep = (chunk: Buffer) => {
                output = (output + chunk.toString()).slice(-4096);
              };
              channel.on('data', keep);
              channel.stderr.on('data', keep);
              let code: number | null = null;
              channel.on('exit', (exitCode: number | null) => (code = exitCode));
              channel.on('close', () => done({ code, output: output.trim() }));
              if (stdin === undefined) channel.end();
              else if (typeof stdin === 'string') channel.end(stdin);
              else {
                stdin.on('error', (streamError) => {
                  channel.close();
                  fail(streamError);
                });
                stdin.pipe(channel);
              }
            });
          }),
        close: () => client.end(),
      }),
    );
    client.once('error', reject);
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      privateKey,
      readyTimeout: timeoutMs,
    });
  });
}
