/**
 * `computeplane instances run <image> [flags] [-- command args...]`: creates an instance (the server starts it
 * and answers once it runs or has already ended) and prints it; `--wait <state>` then waits for a state and
 * `-f/--follow` prints its logs until the workload ends. With --cancel-on-interrupt, Ctrl-C while waiting or
 * following deletes the instance this command created.
 */
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import {
  createInstance,
  deleteInstance,
  getInstance,
  type CreateInstanceRequest,
  type InstanceState,
  type VolumeMount,
} from '@computeplane/sdk/instances';
import { action } from '../core/context.js';
import { CommandError, UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collect, collectPairs, parseCount } from '../core/input.js';
import { parseTimeout } from '../core/settings.js';
import { parseState, printInstance, stateText, STATES } from './instances-format.js';
import { waitForState } from './instances-lifecycle.js';
import { printLogs } from './instances-logs.js';

interface RunFlags {
  name?: string;
  env?: Record<string, string>;
  tag?: Record<string, string>;
  volume?: string[];
  entrypoint?: string;
  vcpus?: number;
  size?: string;
  wait?: InstanceState;
  maxWait?: number;
  follow?: boolean;
}

export function registerInstanceRun(instances: Command): void {
  withExamples(
    instances
      .command('run')
      .description("create and start an instance from a pulled image (the image's entrypoint and cmd unless given)")
      .argument('<image>', 'a ready image (computeplane images pull <image>)')
      .argument('[command...]', "the command and its arguments (after --), instead of the image's cmd")
      .option('--name <name>', 'instance name: lower-case letters, digits, dashes (default: <image>-<random>)')
      .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collectPairs('--env'))
      .option('--tag <KEY=VALUE>', 'tag (repeatable)', collectPairs('--tag'))
      .option('-v, --volume <volume:/path[:ro]>', 'mount a volume at a path, :ro for read-only (repeatable)', collect)
      .option('--entrypoint <program>', "the program to run instead of the image's entrypoint")
      .option('--vcpus <n>', 'virtual CPUs (1-64)', parseCount('--vcpus', { max: 64 }))
      .option('--size <size>', 'memory limit: 256MB, 1GB')
      .option('--wait <state>', `then wait until the instance is in this state (${STATES.join(', ')})`, parseState)
      .option('--max-wait <duration>', 'how long --wait waits: 30s, 2m (at most 5m; default 60s)', parseTimeout)
      .option('-f, --follow', 'then print its logs until the workload ends (exit 1 if it exits non-zero)')
      .action(
        action<[string, string[]], RunFlags>(async (ctx, image, command, flags) => {
          if (flags.follow && ctx.out.json) throw new UsageError('--follow prints log lines; leave out --json');
          if (flags.maxWait !== undefined && !flags.wait) throw new UsageError('--max-wait goes with --wait <state>');
          const body: CreateInstanceRequest = { image, name: flags.name ?? defaultName(image) };
          if (command.length > 0) body.cmd = command;
          if (flags.entrypoint !== undefined) body.entrypoint = [flags.entrypoint];
          if (flags.env) body.env = flags.env;
          if (flags.tag) body.tags = flags.tag;
          if (flags.volume) body.volumes = flags.volume.map(parseVolume);
          if (flags.vcpus !== undefined) body.vcpus = flags.vcpus;
          if (flags.size !== undefined) body.size = flags.size;

          const created = await ctx.call(createInstance(ctx.client, { body }, { signal: ctx.signal }));
          const id = created.id;
          if (!flags.wait && !flags.follow) {
            ctx.out.result(created, () => printInstance(ctx, created));
            return;
          }
          ctx.onInterrupt(
            () => deleteInstance(ctx.client, { params: { path: { id } } }),
            `instance ${created.name} (${id}) keeps running; remove it with: computeplane instances rm ${id}`,
          );
          if (flags.follow) {
            ctx.out.note(`Instance ${created.name} (${id}) is ${stateText(created)}; following its logs.`);
            await printLogs(ctx, id, { follow: true, tail: 10_000 });
            const ended = await ctx.call(getInstance(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
            if (ended.exit_code !== null && ended.exit_code !== undefined && ended.exit_code !== 0)
              throw new CommandError(
                `instance ${ended.name}: ${ended.exit_message ?? `exited with code ${ended.exit_code}`}`,
              );
            return;
          }
          const reached = await waitForState(ctx, id, flags.wait!, flags.maxWait);
          const current = await ctx.call(getInstance(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(current, () => printInstance(ctx, current));
          if (reached.timed_out)
            throw new CommandError(`instance ${current.name} is ${reached.state}, not ${flags.wait}, after waiting`);
        }),
      ),
    [
      'computeplane instances run oci:busybox:latest --name hello -- echo hello',
      'computeplane instances run oci:busybox:latest -e PORT=3000 -v data:/mnt/data -- /bin/sh -c "httpd -f -p 3000"',
      'computeplane instances run oci:busybox:latest --follow --cancel-on-interrupt -- ping -c 3 127.0.0.1',
      'computeplane instances run oci:busybox:latest --wait Shutdown --max-wait 2m -- sleep 5',
    ],
  );
}

/** `data:/mnt/data` or `data:/mnt/data:ro`. */
function parseVolume(value: string): VolumeMount {
  const match = /^([^:]+):(\/[^:]*)(?::(ro|rw))?$/.exec(value);
  if (!match) throw new UsageError(`--volume takes VOLUME:/PATH or VOLUME:/PATH:ro, got "${value}"`);
  return { volume_id: match[1]!, mount_path: match[2]!, ...(match[3] === 'ro' ? { readonly: true } : {}) };
}

/** `oci:busybox:latest` → `busybox-x7k2q9`. */
function defaultName(image: string): string {
  const withoutTransport = image.replace(/^[a-z-]+:(\/\/)?/, '');
  const last = withoutTransport.split('/').pop() ?? 'instance';
  const base = last
    .replace(/[:@].*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return `${base || 'instance'}-${randomBytes(4).toString('hex').slice(0, 6)}`;
}
