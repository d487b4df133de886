/**
 * The environment variables of a template's Docker-style options (`-e VAR=value -p 8000:8000`, Vast.ai's
 * `env` field): the options are split as a POSIX shell splits words (single and double quotes,
 * backslashes), then every `-e`/`--env` `NAME=value` is kept. Other options (ports, `NAME` without a
 * value, which Docker copies from the host) set nothing in an instance and are skipped.
 */

/** Shell-like words of `text`; an unterminated quote runs to the end. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

export function dockerEnv(options: string): Record<string, string> {
  const env: Record<string, string> = {};
  const words = splitWords(options);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let assignment: string | undefined;
    if (word === '-e' || word === '--env') assignment = words[++i];
    else if (word.startsWith('--env=')) assignment = word.slice('--env='.length);
    else if (/^-e[A-Za-z_]/.test(word)) assignment = word.slice(2);
    const match = assignment === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(assignment);
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}
