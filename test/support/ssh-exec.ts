/** Runs one command over SSH with a private key (ssh2's client) and returns its stdout. */
import ssh2 from 'ssh2';

export function sshExec(
  host: string,
  port: number,
  user: string,
  privateKey: string,
  command: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () =>
      client.exec(command, (error, channel) => {
        if (error) return reject(error);
        let out = '';
        channel.on('data', (data: Buffer) => (out += data.toString()));
        channel.on('close', () => {
          client.end();
          resolve(out);
        });
      }),
    );
    client.on('error', reject);
    client.connect({ host, port, username: user, privateKey });
  });
}
