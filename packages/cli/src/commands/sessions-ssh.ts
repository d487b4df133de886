/** `computeplane sessions ssh <id> [-- command...]`: log in to a running session with its saved one-time key. */
import type { Command } from 'commander';
import { getSession } from '@computeplane/sdk/sessions';
import { action } from '../core/context.js';
import { CommandError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { readStdin } from '../core/input.js';
import { knownHostsPath, loadKey, sshLogin } from '../core/ssh-login.js';

const STARTING = ['pending', 'provisioning'];

export function registerSessionSsh(sessions: Command): void {
  withExamples(
    sessions
      .command('ssh')
      .description("log in to a running session with ssh (the remote command after --; exits with ssh's code)")
      .argument('<session>', 'session id')
      .argument('[command...]', 'run this on the session instead of a shell')
      .option('-i, --identity <file>', 'private key file, or - for stdin (default: the key saved at create)')
      .option('--print', 'print the ssh command (its key file written, mode 0600) instead of running it')
      .action(
        action<[string, string[]], { identity?: string; print?: boolean }>(async (ctx, id, command, flags) => {
          const session = await ctx.call(getSession(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          if (session.status !== 'running' || !session.ssh_host || !session.ssh_port || !session.ssh_user)
            throw new CommandError(
              `session ${id} is ${session.status}: SSH is not available${STARTING.includes(session.status) ? ' yet; wait until it is running' : ''}`,
            );
          const key = await loadKey(id, flags.identity, readStdin);
          await sshLogin(
            ctx.out,
            {
              host: session.ssh_host,
              port: session.ssh_port,
              user: session.ssh_user,
              key,
              command,
              knownHostsFile: knownHostsPath(id),
            },
            { print: flags.print === true },
          );
        }),
      ),
    [
      'computeplane sessions ssh sess-abc123',
      'computeplane sessions ssh sess-abc123 -- nvidia-smi',
      'computeplane sessions ssh sess-abc123 --print',
    ],
  );
}
