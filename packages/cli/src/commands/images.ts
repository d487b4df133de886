/**
 * `computeplane images pull|list|get|rm`: OCI images for instances. `pull` queues the pull and waits until the
 * image is ready (progress on a terminal); with --cancel-on-interrupt, Ctrl-C while waiting forgets the image.
 */
import type { Command } from 'commander';
import { pollUntil } from '@computeplane/sdk';
import { createImage, deleteImage, getImage, listImages, type Image } from '@computeplane/sdk/instances';
import { action, type CommandContext } from '../core/context.js';
import { CommandError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { formatBytes, startProgress } from '../core/progress.js';

/** How far a pull is, for the progress bar. */
const STEPS: Record<Image['status'], number> = { pending: 0, pulling: 1, converting: 2, ready: 3, failed: 3 };

export function registerImages(program: Command): void {
  const images = program.command('images').description('pull, list and delete the OCI images instances run');

  withExamples(
    images
      .command('pull')
      .description('pull an image (skopeo transports: docker://, oci:DIR[:TAG] under the import dir) and wait')
      .argument('<image>', 'image reference, e.g. docker://busybox:latest or oci:busybox:latest')
      .option('--no-wait', 'answer once the pull is queued')
      .action(
        action<[string], { wait: boolean }>(async (ctx, name, flags) => {
          const queued = await ctx.call(createImage(ctx.client, { body: { name } }, { signal: ctx.signal }));
          if (!flags.wait || queued.status === 'ready' || queued.status === 'failed') {
            ctx.out.result(queued, () => printImage(ctx, queued));
            if (flags.wait && queued.status === 'failed') throw pullFailed(queued);
            return;
          }
          ctx.onInterrupt(
            () => deleteImage(ctx.client, { params: { path: { name } } }),
            `the pull of ${name} goes on; check it with: computeplane images get ${name}`,
          );
          ctx.out.note(`Pulling ${name}: ${queueText(queued) ?? queued.status}.`);
          const bar = startProgress(ctx.out, { label: 'Pulling', total: 3 });
          const show = (image: Image) => bar.update(STEPS[image.status], undefined, queueText(image) ?? image.status);
          show(queued);
          let image: Image;
          try {
            image = await pollUntil(
              () => getImage(ctx.client, { params: { path: { name } } }, { signal: ctx.signal }),
              (current) => {
                show(current);
                return current.status === 'ready' || current.status === 'failed';
              },
              { signal: ctx.signal, intervalMs: 200, maxIntervalMs: 2_000 },
            );
          } finally {
            bar.stop();
          }
          ctx.out.result(image, () => printImage(ctx, image));
          if (image.status === 'failed') throw pullFailed(image);
        }),
      ),
    [
      'computeplane images pull docker://busybox:latest',
      'computeplane images pull oci:busybox:latest --no-wait --json',
    ],
  );

  withExamples(
    images
      .command('list')
      .alias('ls')
      .description("list the tenant's images, newest first")
      .action(
        action<[], object>(async (ctx) => {
          const list = await ctx.call(listImages(ctx.client, {}, { signal: ctx.signal }));
          ctx.out.result(list, () =>
            ctx.out.table(
              list,
              [
                { header: 'NAME', value: (i) => i.name },
                { header: 'STATUS', value: (i) => i.status },
                { header: 'SIZE', value: (i) => (i.size_bytes == null ? '-' : formatBytes(i.size_bytes)) },
                { header: 'DIGEST', value: (i) => i.digest?.slice(0, 19) },
                { header: 'CREATED', value: (i) => i.created_at },
              ],
              { empty: 'No images. Pull one: computeplane images pull <image>' },
            ),
          );
        }),
      ),
    ['computeplane images list', 'computeplane images list --json'],
  );

  withExamples(
    images
      .command('get')
      .description("show an image: its pull's status, digest, size, entrypoint, cmd and env")
      .argument('<image>', 'image reference as pulled')
      .action(
        action<[string], object>(async (ctx, name) => {
          const image = await ctx.call(getImage(ctx.client, { params: { path: { name } } }, { signal: ctx.signal }));
          ctx.out.result(image, () => printImage(ctx, image));
        }),
      ),
    ['computeplane images get oci:busybox:latest'],
  );

  withExamples(
    images
      .command('rm')
      .alias('delete')
      .description('forget an image (instances created from it keep running)')
      .argument('<image>', 'image reference as pulled')
      .action(
        action<[string], object>(async (ctx, name) => {
          await ctx.call(deleteImage(ctx.client, { params: { path: { name } } }, { signal: ctx.signal }));
          // 204: nothing to print with --json, as the API sent nothing.
          ctx.out.done(`Deleted image ${name}.`);
        }),
      ),
    ['computeplane images rm oci:busybox:latest'],
  );
}

const queueText = (image: Image): string | undefined =>
  image.status === 'pending' && image.queue_position ? `pending (${image.queue_position} ahead)` : undefined;

const pullFailed = (image: Image) =>
  new CommandError(`image ${image.name} failed to pull: ${image.error ?? 'no reason given'}`);

function printImage(ctx: CommandContext, image: Image): void {
  const env = image.env ? Object.entries(image.env).map(([key, value]) => `${key}=${value}`) : [];
  ctx.out.fields([
    ['name', image.name],
    ['status', queueText(image) ?? image.status],
    ['error', image.error ?? undefined],
    ['digest', image.digest ?? undefined],
    ['size', image.size_bytes == null ? undefined : formatBytes(image.size_bytes)],
    ['entrypoint', image.entrypoint?.length ? image.entrypoint : undefined],
    ['cmd', image.cmd?.length ? image.cmd : undefined],
    ['env', env.length ? env : undefined],
    ['working_dir', image.working_dir ?? undefined],
    ['created', image.created_at],
  ]);
}
