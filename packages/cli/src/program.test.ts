/** The command tree's own conventions: every command documents itself with examples, and completion knows it. */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { completionTable } from './core/completion.js';
import { buildProgram } from './program.js';

/** Every command that runs something: the leaves, and groups that also act on their own (`batch`, `train`). */
function leaves(command: Command, path: string[] = []): { path: string; command: Command }[] {
  const subcommands = command.commands.filter((sub) => sub.name() !== 'help');
  const acts = (command as unknown as { _actionHandler: unknown })._actionHandler !== null;
  const own = path.length > 0 && (subcommands.length === 0 || acts) ? [{ path: path.join(' '), command }] : [];
  return [...own, ...subcommands.flatMap((sub) => leaves(sub, [...path, sub.name()]))];
}

describe('the command tree', () => {
  const program = buildProgram();
  const all = leaves(program);

  it('has a description and an Examples block in --help for every command', () => {
    expect(all.map(({ path }) => path)).toEqual(
      expect.arrayContaining(['infer', 'batch', 'batch wait', 'train', 'costs']),
    );
    for (const { path, command } of all) {
      expect(command.description(), path).not.toBe('');
      let help = '';
      command.configureOutput({ writeOut: (text) => (help += text) });
      command.outputHelp();
      // Help text added with addHelpText('after') is emitted by outputHelp through the same writer.
      expect(help, `${path} --help`).toMatch(/\nExamples:\n {2}\$ computeplane /);
      const examples = help
        .slice(help.indexOf('Examples:'))
        .split('\n')
        .filter((line) => line.startsWith('  $ '));
      for (const example of examples)
        expect(example, `${path}: an example of another command`).toContain(`computeplane ${path.split(' ')[0]}`);
    }
  });

  it('offers every subcommand and option to shell completion', () => {
    const table = completionTable(program);
    for (const { path, command } of all) {
      const parent = path.split(' ').slice(0, -1).join(' ');
      expect(table.get(parent ? `_ ${parent}` : '_'), path).toContain(command.name());
      const words = table.get(`_ ${path}`)!;
      for (const option of command.options) if (option.long) expect(words, path).toContain(option.long);
      expect(words).toContain('--json');
    }
  });
});
