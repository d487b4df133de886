/** `--help` text conventions: every command ends its help with examples. */
import type { Command } from 'commander';

/** Adds an "Examples:" block to the command's --help (each line is a full command, `$ ` added). */
export function withExamples(command: Command, examples: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((example) => `  $ ${example}`).join('\n')}\n`);
}
