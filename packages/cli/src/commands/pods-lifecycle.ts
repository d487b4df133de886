/** `computeplane pods start|stop|restart|terminate|ssh`: a pod's lifecycle and SSH login. */
import type { Command } from 'commander';
import { getPodSsh, restartPod, startPod, stopPod, terminatePod } from '@computeplane/sdk/pods';
import { action } from '../core/context.js';
import { withExamples } from '../core/help.js';
import { readStdin } from '../core/input.js';
import { knownHostsPath, loadKey, sshLogin } from '../core/ssh-login.js';
import { printPod, waitRunning } from './pods.js';

const ACTIONS = [
  { verb: 'start', call: startPod, describe: 'start a stopped pod again on its volume', canWait: true },
  { verb: 'stop', call: stopPod, describe: 'stop a running pod: the GPU is released, the volume kept', canWait: false },
  { verb: 'restart', call: restartPod, describe: 'stop and start a pod (or start a stopped one)', canWait: true },
  {
    verb: 'terminate',
    call: terminatePod,
    describe: 'terminate a pod (irreversible; the volume is kept for the retention period)',
    canWait: false,
  },
] as const;

export function registerPodLifecycle(pods: Command): void {
  for (const { verb, call, describe, canWait } of ACTIONS) {
    const command = pods.command(verb).description(describe).argument('<pod>', 'pod id');
    if (canWait) command.option('--wait', 'wait until the pod is running');
    withExamples(
      command.action(
        action<[string], { wait?: boolean }>(async (ctx, id, flags) => {
          const answer = await ctx.call(call(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          const pod = flags.wait ? await waitRunning(ctx, id) : answer.data;
          ctx.out.result(answer, () => printPod(ctx, pod));
        }),
      ),
      [`computeplane pods ${verb} pod_abc123def456${canWait ? ' --wait' : ''}`],
    );
  }

  withExamples(
    pods
      .command('ssh')
      .description("log in to a running pod with ssh (the remote command after --; exits with ssh's code)")
      .argument('<pod>', 'pod id')
      .argument('[command...]', 'run this on the pod instead of a shell')
      .option('-i, --identity <file>', 'private key file, or - for stdin (default: the key saved at create)')
      .option('--print', 'print the ssh command (its key file written, mode 0600) instead of running it')
      .action(
        action<[string, string[]], { identity?: string; print?: boolean }>(async (ctx, id, command, flags) => {
          const ssh = await ctx.call(getPodSsh(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          const key = await loadKey(id, flags.identity, readStdin);
          await sshLogin(
            ctx.out,
            { ...ssh.data, key, command, knownHostsFile: knownHostsPath(id) },
            { print: flags.print === true },
          );
        }),
      ),
    [
      'computeplane pods ssh pod_abc123def456',
      'computeplane pods ssh pod_abc123def456 -- python train.py',
      'computeplane pods ssh pod_abc123def456 --identity ~/.ssh/lab_ed25519',
    ],
  );
}
