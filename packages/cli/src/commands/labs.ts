/**
 * `computeplane labs create|list|get|costs|events|settings`: the labs pods belong to. A lab is named by its
 * slug; `settings` shows its idle, budget and SSH settings, or changes the ones given as flags.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import {
  createLab,
  getLab,
  getLabCosts,
  getLabSettings,
  listLabEvents,
  listLabs,
  updateLabSettings,
  type Lab,
  type LabSettings,
  type LabSettingsPatch,
} from '@computeplane/sdk/pods';
import { action, type CommandContext } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collect, parseCount, parseNumber } from '../core/input.js';
import { notePage, pageOptions, type PageFlags } from '../core/paging.js';
import { parseMonth, printPodCosts } from './pods.js';

interface SettingsFlags {
  idleAlert?: number;
  idleStop?: number;
  autoSchedule?: string;
  budget?: string;
  budgetAction?: string;
  sshKey?: string[];
}

export function registerLabs(program: Command): void {
  const labs = program
    .command('labs')
    .description('labs group pods and their costs: create, list, costs, events, settings (idle, budget, SSH)');

  withExamples(
    labs
      .command('create')
      .description('create a lab (default settings: idle alert after 30 min, idle stop after 360, no budget)')
      .argument('<slug>', 'the name lab routes use: lowercase letters, digits and dashes, unique in the tenant')
      .option('--name <name>', 'display name (default: the slug)')
      .action(
        action<[string], { name?: string }>(async (ctx, slug, flags) => {
          const created = await ctx.call(
            createLab(ctx.client, { body: { slug, name: flags.name ?? slug } }, { signal: ctx.signal }),
          );
          ctx.out.result(created, () => printLab(ctx, created.data));
        }),
      ),
    ['computeplane labs create dark-energy --name "Dark Energy"', 'computeplane labs create vision --json'],
  );

  withExamples(
    pageOptions(labs.command('list').description("list the tenant's labs, oldest first"), 'labs').action(
      action<[], PageFlags>(async (ctx, flags) => {
        const query = { limit: flags.limit, offset: flags.offset };
        const page = await ctx.call(listLabs(ctx.client, { params: { query } }, { signal: ctx.signal }));
        ctx.out.result(page, () => {
          ctx.out.table(
            page.data,
            [
              { header: 'ID', value: (l) => l.id },
              { header: 'SLUG', value: (l) => l.slug },
              { header: 'NAME', value: (l) => l.name },
              { header: 'BUDGET', value: (l) => budgetText(l.settings) },
              { header: 'CREATED', value: (l) => l.createdAt },
            ],
            { empty: 'No labs. Create one: computeplane labs create <slug>' },
          );
          notePage(ctx.out, flags.offset ?? 0, page.data.length, page.total);
        });
      }),
    ),
    ['computeplane labs list', 'computeplane labs list --json'],
  );

  withExamples(
    labs
      .command('get')
      .description('show a lab: its id (the labId of its pods) and settings')
      .argument('<slug>', 'the lab slug')
      .action(
        action<[string], object>(async (ctx, slug) => {
          const lab = await ctx.call(getLab(ctx.client, { params: { path: { slug } } }, { signal: ctx.signal }));
          ctx.out.result(lab, () => printLab(ctx, lab.data));
        }),
      ),
    ['computeplane labs get dark-energy'],
  );

  withExamples(
    labs
      .command('costs')
      .description("a lab's month: its pods' costs, the budget left and the month's forecast")
      .argument('<slug>', 'the lab slug')
      .option('--month <month>', 'current (default) or YYYY-MM', parseMonth)
      .action(
        action<[string], { month?: string }>(async (ctx, slug, flags) => {
          const request = { params: { path: { slug }, query: { month: flags.month } } };
          const costs = await ctx.call(getLabCosts(ctx.client, request, { signal: ctx.signal }));
          ctx.out.result(costs, () => {
            const { budget, activePods } = costs.data;
            printPodCosts(ctx, costs.data.costs, [
              ['active pods', activePods],
              ['budget', budget.monthlyBudget === null ? 'none' : `${budget.monthlyBudget} USD/month`],
              ['spent', `${budget.spent} USD`],
              ['remaining', budget.remaining === null ? undefined : `${budget.remaining} USD`],
              ['over budget', budget.overBudget ? `yes (action: ${budget.action})` : 'no'],
            ]);
          });
        }),
      ),
    ['computeplane labs costs dark-energy', 'computeplane labs costs dark-energy --month 2026-11 --json'],
  );

  withExamples(
    pageOptions(
      labs
        .command('events')
        .description("a lab's warnings and alerts, newest first (idle, max hours, budget, lost instances)")
        .argument('<slug>', 'the lab slug')
        .option('--pod <pod>', "only this pod's events"),
      'events',
    ).action(
      action<[string], PageFlags & { pod?: string }>(async (ctx, slug, flags) => {
        const query = { podId: flags.pod, limit: flags.limit, offset: flags.offset };
        const page = await ctx.call(
          listLabEvents(ctx.client, { params: { path: { slug }, query } }, { signal: ctx.signal }),
        );
        ctx.out.result(page, () => {
          ctx.out.table(
            page.data,
            [
              { header: 'TIME', value: (e) => e.createdAt },
              { header: 'TYPE', value: (e) => e.type },
              { header: 'POD', value: (e) => e.podId },
              { header: 'MESSAGE', value: (e) => e.message },
            ],
            { empty: 'No events.' },
          );
          notePage(ctx.out, flags.offset ?? 0, page.data.length, page.total);
        });
      }),
    ),
    ['computeplane labs events dark-energy', 'computeplane labs events dark-energy --pod pod_abc123def456 --json'],
  );

  withExamples(
    labs
      .command('settings')
      .description("show a lab's settings, or change them (only the flags given change)")
      .argument('<slug>', 'the lab slug')
      .option('--idle-alert <minutes>', 'alert after this long idle', parseCount('--idle-alert'))
      .option('--idle-stop <minutes>', 'stop pods after this long idle', parseCount('--idle-stop'))
      .option('--auto-schedule <on|off>', 'automatic scheduling')
      .option('--budget <usd>', 'monthly budget in USD, or "none"')
      .option('--budget-action <action>', 'over budget: stop or alert')
      .option('--ssh-key <key>', 'an SSH public key, or @file (repeatable; replaces the list; "none" clears)', collect)
      .action(
        action<[string], SettingsFlags>(async (ctx, slug, flags) => {
          const patch = await settingsPatch(flags);
          const path = { params: { path: { slug } } };
          const settings =
            Object.keys(patch).length === 0
              ? await ctx.call(getLabSettings(ctx.client, path, { signal: ctx.signal }))
              : await ctx.call(updateLabSettings(ctx.client, { ...path, body: patch }, { signal: ctx.signal }));
          ctx.out.result(settings, () => ctx.out.fields(settingsFields(settings.data)));
        }),
      ),
    [
      'computeplane labs settings dark-energy',
      'computeplane labs settings dark-energy --idle-alert 15 --auto-schedule on',
      'computeplane labs settings dark-energy --budget 500 --budget-action alert --ssh-key @~/.ssh/id_ed25519.pub',
    ],
  );
}

function printLab(ctx: CommandContext, lab: Lab): void {
  ctx.out.fields([
    ['id', lab.id],
    ['slug', lab.slug],
    ['name', lab.name],
    ['created', lab.createdAt],
    ...settingsFields(lab.settings),
  ]);
}

const settingsFields = (s: LabSettings): [string, unknown][] => [
  ['idle alert', `${s.idleAlertMinutes} min`],
  ['idle stop', `${s.idleStopMinutes} min`],
  ['auto schedule', s.autoScheduleEnabled ? 'on' : 'off'],
  ['budget', budgetText(s)],
  ['budget action', s.budgetAction],
  ['ssh keys', s.sshPublicKeys.length === 0 ? null : s.sshPublicKeys.map(shortKey)],
];

const budgetText = (s: LabSettings) => (s.monthlyBudget === null ? 'none' : `${s.monthlyBudget} USD/month`);

async function settingsPatch(flags: SettingsFlags): Promise<LabSettingsPatch> {
  const patch: LabSettingsPatch = {};
  if (flags.idleAlert !== undefined) patch.idleAlertMinutes = flags.idleAlert;
  if (flags.idleStop !== undefined) patch.idleStopMinutes = flags.idleStop;
  if (flags.autoSchedule !== undefined) {
    if (!['on', 'off', 'true', 'false'].includes(flags.autoSchedule))
      throw new UsageError(`--auto-schedule takes on or off, got "${flags.autoSchedule}"`);
    patch.autoScheduleEnabled = flags.autoSchedule === 'on' || flags.autoSchedule === 'true';
  }
  if (flags.budget !== undefined)
    patch.monthlyBudget = flags.budget === 'none' ? null : parseNumber('--budget')(flags.budget);
  if (flags.budgetAction !== undefined) patch.budgetAction = flags.budgetAction as LabSettingsPatch['budgetAction'];
  if (flags.sshKey !== undefined)
    patch.sshPublicKeys = flags.sshKey.includes('none')
      ? []
      : await Promise.all(flags.sshKey.map((key) => (key.startsWith('@') ? readKeyFile(key.slice(1)) : key)));
  return patch;
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new UsageError(`--ssh-key: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** `ssh-ed25519 AAAA…xyz comment`, shortened for the terminal. */
const shortKey = (key: string) => {
  const [type, data = '', ...comment] = key.split(' ');
  return [type, data.length > 24 ? `${data.slice(0, 12)}…${data.slice(-8)}` : data, ...comment].join(' ');
};
