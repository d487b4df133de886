/**
 * `computeplane templates list|get`: the templates GPU sessions are launched with (an image, its options, a
 * start command and machine requirements), from every configured provider.
 */
import type { Command } from 'commander';
import { getTemplate, listTemplates, type Template } from '@computeplane/sdk/templates';
import { action, type CommandContext } from '../core/context.js';
import { withExamples } from '../core/help.js';

export function registerTemplates(program: Command): void {
  const templates = program.command('templates').description('templates GPU sessions can be launched with');

  withExamples(
    templates
      .command('list')
      .description("every provider's templates, by name")
      .option('--name <text>', 'only templates whose name contains this text, ignoring case')
      .action(
        action<[], { name?: string }>(async (ctx, flags) => {
          const query = { name: flags.name };
          const list = await ctx.call(listTemplates(ctx.client, { params: { query } }, { signal: ctx.signal }));
          ctx.out.result(list, () =>
            ctx.out.table(
              list.templates,
              [
                { header: 'HASH ID', value: (t) => t.hash_id },
                { header: 'NAME', value: (t) => t.name },
                { header: 'PROVIDER', value: (t) => t.provider },
                { header: 'IMAGE', value: (t) => imageRef(t) },
                { header: 'DISK', value: (t) => diskLabel(t.recommended_disk_space) },
                { header: 'RECOMMENDED', value: (t) => (t.recommended ? 'yes' : 'no') },
              ],
              {
                empty: flags.name
                  ? `No template's name contains "${flags.name}". List them all: computeplane templates list`
                  : 'No templates. Configure a provider (a Vast.ai key) or check the server',
              },
            ),
          );
        }),
      ),
    ['computeplane templates list', 'computeplane templates list --name ollama --json'],
  );

  withExamples(
    templates
      .command('get')
      .description('show a template: image, options, start command and machine requirements')
      .argument('<hash_id>', "the template's hash id")
      .action(
        action<[string], object>(async (ctx, hashId) => {
          const template = await ctx.call(
            getTemplate(ctx.client, { params: { path: { hash_id: hashId } } }, { signal: ctx.signal }),
          );
          ctx.out.result(template, () => printTemplate(ctx, template));
        }),
      ),
    [
      'computeplane templates get a8a44c7363cbca20056020397e3bf072',
      'computeplane templates get a8a44c7363cbca20056020397e3bf072 --json',
    ],
  );
}

/** `image:tag`, or the image alone when the template names no tag. */
export const imageRef = (template: Pick<Template, 'image' | 'tag'>): string =>
  template.tag ? `${template.image}:${template.tag}` : template.image;

/** `32 GB`, or null (shown `-`) when the template suggests no disk size. */
export const diskLabel = (gb: number | null): string | null => (gb === null ? null : `${gb} GB`);

function printTemplate(ctx: CommandContext, template: Template): void {
  ctx.out.fields([
    ['hash_id', template.hash_id],
    ['id', template.id],
    ['name', template.name],
    ['provider', template.provider],
    ['image', imageRef(template)],
    ['env', template.env],
    ['onstart', template.onstart],
    ['runtype', template.runtype],
    ['ssh', `${template.use_ssh ? 'yes' : 'no'}${template.ssh_direct ? ' (direct)' : ''}`],
    ['recommended', template.recommended ? 'yes' : 'no'],
    ['disk', diskLabel(template.recommended_disk_space)],
    ['requirements', template.extra_filters],
    ['creator', template.creator_id],
    ['created', template.created_at],
    ['instances', template.count_created],
  ]);
  ctx.out.note(`Launch a session with it: computeplane sessions create --offer <offer> --template ${template.hash_id}`);
}
