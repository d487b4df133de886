/** `computeplane completion bash|zsh`: prints the shell completion script for this command tree. */
import type { Command } from 'commander';
import { bashCompletion, zshCompletion } from '../core/completion.js';
import { UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';

export function registerCompletion(program: Command): void {
  withExamples(
    program
      .command('completion')
      .description(
        'print a shell completion script (bash or zsh); or load it in ~/.bashrc: source <(computeplane completion bash)',
      )
      .argument('<shell>', 'bash or zsh')
      .action((shell: string) => {
        if (shell === 'bash') process.stdout.write(bashCompletion(program));
        else if (shell === 'zsh') process.stdout.write(zshCompletion(program));
        else throw new UsageError(`completion: unknown shell "${shell}"; use bash or zsh`);
      }),
    [
      'computeplane completion bash > ~/.local/share/bash-completion/completions/computeplane',
      'computeplane completion zsh > "${fpath[1]}/_computeplane"',
    ],
  );
}
