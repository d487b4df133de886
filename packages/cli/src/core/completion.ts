/**
 * Shell completion scripts for bash and zsh, generated from the command tree itself so they can never
 * disagree with it. Hand-written because the maintained completion libraries (tabtab, omelette) complete by
 * re-running the program on every Tab, which would start Node for each keystroke; a static table is instant.
 */
import type { Command } from 'commander';

/** Every command path ("_" is the root) with the words that may follow it: subcommands and long options. */
export function completionTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const visit = (command: Command, path: string, inherited: string[]) => {
    const own = command.options.map((option) => option.long).filter((long): long is string => Boolean(long));
    const options = [...new Set([...own, ...inherited, '--help'])];
    const subcommands = command.commands.filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden);
    table.set(path, [...subcommands.map((sub) => sub.name()), ...options]);
    for (const sub of subcommands) visit(sub, `${path} ${sub.name()}`, command === program ? own : inherited);
  };
  visit(program, '_', []);
  return table;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function entries(program: Command): string {
  return [...completionTable(program)]
    .map(([path, words]) => `  [${quote(path)}]=${quote(words.join(' '))}`)
    .join('\n');
}

export function bashCompletion(program: Command): string {
  const name = program.name();
  return `# bash completion for ${name}; load it with: source <(${name} completion bash)
declare -gA _${name}_words=(
${entries(program)}
)
_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" at="_" i next
  for ((i = 1; i < COMP_CWORD; i++)); do
    next="$at \${COMP_WORDS[i]}"
    [[ -n "\${_${name}_words[$next]+set}" ]] && at="$next"
  done
  COMPREPLY=($(compgen -W "\${_${name}_words[$at]}" -- "$cur"))
}
complete -o default -F _${name} ${name}
`;
}

export function zshCompletion(program: Command): string {
  const name = program.name();
  return `#compdef ${name}
# zsh completion for ${name}; load it with: source <(${name} completion zsh)
typeset -gA _${name}_words
_${name}_words=(
${[...completionTable(program)].map(([path, words]) => `  ${quote(path)} ${quote(words.join(' '))}`).join('\n')}
)
_${name}() {
  local at="_" next i
  for ((i = 2; i < CURRENT; i++)); do
    next="$at \${words[i]}"
    (( \${+_${name}_words[$next]} )) && at="$next"
  done
  compadd -- \${=_${name}_words[$at]}
  _files
}
compdef _${name} ${name}
`;
}
