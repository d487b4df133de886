/** `computeplane labs settings <slug>`: show a lab's settings, or change the ones given as flags. */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { getLabSettings, updateLabSettings, type LabSettingsPatch } from '@computeplane/sdk/pods';
import { action } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collect, parseCount, parseNumber } from '../core/input.js';

interface SettingsFlags {
  idleAlert?: number;
  idleStop?: number;
  autoSchedule?: string;
  budget?: string;
  budgetAction?: string;
  sshKey?: string[];
}

export function registerLabs(program: Command): void {
  const labs = program.command('labs').description("a lab's settings: idle limits, budget, SSH keys");

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
          ctx.out.result(settings, () => {
            const s = settings.data;
            ctx.out.fields([
              ['idle alert', `${s.idleAlertMinutes} min`],
              ['idle stop', `${s.idleStopMinutes} min`],
              ['auto schedule', s.autoScheduleEnabled ? 'on' : 'off'],
              ['budget', s.monthlyBudget === null ? 'none' : `${s.monthlyBudget} USD/month`],
              ['budget action', s.budgetAction],
              ['ssh keys', s.sshPublicKeys.length === 0 ? null : s.sshPublicKeys.map(shortKey)],
            ]);
          });
        }),
      ),
    [
      'computeplane labs settings dark-energy',
      'computeplane labs settings dark-energy --idle-alert 15 --auto-schedule on',
      'computeplane labs settings dark-energy --budget 500 --budget-action alert --ssh-key @~/.ssh/id_ed25519.pub',
    ],
  );
}

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
