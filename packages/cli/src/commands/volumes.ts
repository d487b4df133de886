/** `computeplane volumes create|list|get|rm|attach|detach`: persistent volumes and their instance attachments. */
import type { Command } from 'commander';
import {
  attachVolume,
  createVolume,
  deleteVolume,
  detachVolume,
  getVolume,
  listVolumes,
  type AttachVolumeRequest,
  type CreateVolumeRequest,
  type Volume,
} from '@computeplane/sdk/instances';
import { action, type CommandContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collectPairs, parseCount } from '../core/input.js';
import { printInstance } from './instances-format.js';

export function registerVolumes(program: Command): void {
  const volumes = program.command('volumes').description('create persistent volumes and attach them to instances');

  withExamples(
    volumes
      .command('create')
      .description('create an empty volume (writes past its size fail with ENOSPC inside the instance)')
      .argument('<name>', 'volume name: lower-case letters, digits, dashes')
      .requiredOption('--size-gb <n>', 'size in GiB (1-1024)', parseCount('--size-gb', { max: 1024 }))
      .option('--id <id>', 'an id of your choosing (default: generated)')
      .option('--tag <KEY=VALUE>', 'tag (repeatable)', collectPairs('--tag'))
      .action(
        action<[string], { sizeGb: number; id?: string; tag?: Record<string, string> }>(async (ctx, name, flags) => {
          const body: CreateVolumeRequest = { name, size_gb: flags.sizeGb };
          if (flags.id !== undefined) body.id = flags.id;
          if (flags.tag) body.tags = flags.tag;
          const volume = await ctx.call(createVolume(ctx.client, { body }, { signal: ctx.signal }));
          ctx.out.result(volume, () => printVolume(ctx, volume));
        }),
      ),
    [
      'computeplane volumes create data --size-gb 1',
      'computeplane volumes create cache --size-gb 10 --tag team=ml --json',
    ],
  );

  withExamples(
    volumes
      .command('list')
      .alias('ls')
      .description("list the tenant's volumes, newest first")
      .action(
        action<[], object>(async (ctx) => {
          const list = await ctx.call(listVolumes(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(list, () =>
            ctx.out.table(
              list,
              [
                { header: 'ID', value: (v) => v.id },
                { header: 'NAME', value: (v) => v.name },
                { header: 'SIZE', value: (v) => `${v.size_gb} GiB` },
                { header: 'ATTACHED TO', value: (v) => v.attachments.map((a) => a.instance_id) },
                { header: 'CREATED', value: (v) => v.created_at },
              ],
              { empty: 'No volumes. Create one: computeplane volumes create <name> --size-gb 1' },
            ),
          );
        }),
      ),
    ['computeplane volumes list', 'computeplane volumes list --json'],
  );

  withExamples(
    volumes
      .command('get')
      .description('show a volume and its attachments')
      .argument('<volume>', 'volume id or name')
      .action(
        action<[string], object>(async (ctx, id) => {
          const volume = await ctx.call(getVolume(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          ctx.out.result(volume, () => printVolume(ctx, volume));
        }),
      ),
    ['computeplane volumes get data'],
  );

  withExamples(
    volumes
      .command('rm')
      .alias('delete')
      .description('delete a volume and its files (409 while it is attached)')
      .argument('<volume>', 'volume id or name')
      .action(
        action<[string], object>(async (ctx, id) => {
          await ctx.call(deleteVolume(ctx.client, { params: { path: { id } } }, { signal: ctx.signal }));
          // 204: nothing to print with --json, as the API sent nothing.
          ctx.out.done(`Deleted volume ${id}.`);
        }),
      ),
    ['computeplane volumes rm data'],
  );

  withExamples(
    volumes
      .command('attach')
      .description('attach a volume to a Stopped or Shutdown instance (mounted at its next start)')
      .argument('<volume>', 'volume id or name')
      .argument('<instance>', 'instance id or name')
      .requiredOption('--path <path>', 'where the volume is mounted in the instance (absolute)')
      .option('--readonly', 'mount read-only')
      .option('--overlay <size>', 'read-only volume with a writable per-instance overlay of this size (e.g. 100MB)')
      .action(
        action<[string, string], { path: string; readonly?: boolean; overlay?: string }>(
          async (ctx, volumeId, id, flags) => {
            if (!flags.path.startsWith('/')) throw new UsageError(`--path must be absolute, got "${flags.path}"`);
            const body: AttachVolumeRequest = { mount_path: flags.path };
            if (flags.readonly || flags.overlay !== undefined) body.readonly = true;
            if (flags.overlay !== undefined) Object.assign(body, { overlay: true, overlay_size: flags.overlay });
            const instance = await ctx.call(
              attachVolume(ctx.client, { params: { path: { id, volumeId } }, body }, { signal: ctx.signal }),
            );
            ctx.out.result(instance, () => printInstance(ctx, instance));
          },
        ),
      ),
    [
      'computeplane volumes attach data my-workload-1 --path /mnt/data',
      'computeplane volumes attach models my-workload-1 --path /models --overlay 100MB',
    ],
  );

  withExamples(
    volumes
      .command('detach')
      .description('detach a volume from a Stopped or Shutdown instance')
      .argument('<volume>', 'volume id or name')
      .argument('<instance>', 'instance id or name')
      .action(
        action<[string, string], object>(async (ctx, volumeId, id) => {
          const instance = await ctx.call(
            detachVolume(ctx.client, { params: { path: { id, volumeId } } }, { signal: ctx.signal }),
          );
          ctx.out.result(instance, () => printInstance(ctx, instance));
        }),
      ),
    ['computeplane volumes detach data my-workload-1'],
  );
}

function printVolume(ctx: CommandContext, volume: Volume): void {
  const tags = volume.tags ? Object.entries(volume.tags).map(([key, value]) => `${key}=${value}`) : [];
  ctx.out.fields([
    ['id', volume.id],
    ['name', volume.name],
    ['size', `${volume.size_gb} GiB`],
    [
      'attached',
      volume.attachments.length
        ? volume.attachments.map((a) => `${a.instance_id}:${a.mount_path}${a.readonly ? ':ro' : ''}`)
        : undefined,
    ],
    ['tags', tags.length ? tags : undefined],
    ['created', volume.created_at],
  ]);
}
