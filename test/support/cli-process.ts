/**
 * Runs the built `computeplane` binary (`node packages/cli/dist/computeplane.js`, the bundle its package
 * ships) as a real process: with pipes (runCli, startCli) or under a pseudo-terminal made by util-linux
 * `script` (runCliInPty), as a person at a terminal would see it. HOME and XDG_CONFIG_HOME point at `home`, so no real profile leaks in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const cliScript = fileURLToPath(new URL('../../packages/cli/dist/computeplane.js', import.meta.url));

export interface CliOptions {
  /** Directory used as HOME (the profile file lives under it). */
  home: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, then closed (default: stdin closed at once). */
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once `pattern` has appeared on stdout or stderr. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

function environment(options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: options.home,
    XDG_CONFIG_HOME: `${options.home}/.config`,
    LANG: 'C.UTF-8',
  };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function startCli(args: string[], options: CliOptions): RunningCli {
  const child = spawn(process.execPath, [cliScript, ...args], {
    env: environment(options),
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor(pattern, waitMs = 30_000) {
      const seen = () =>
        typeof pattern === 'string' ? (stdout + stderr).includes(pattern) : pattern.test(stdout + stderr);
      return new Promise<void>((resolve, reject) => {
        if (seen()) return resolve();
        const timeout = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`"${pattern}" did not appear in ${waitMs} ms; stdout: ${stdout}\nstderr: ${stderr}`));
        }, waitMs);
        const check = () => {
          if (!seen()) return;
          clearTimeout(timeout);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        void done.then(() => check());
      });
    },
    done,
  };
}

export const runCli = (args: string[], options: CliOptions): Promise<CliResult> => startCli(args, options).done;

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The command under a pseudo-terminal (stdin, stdout and stderr all a TTY, 120x40), through `script`. The
 * transcript has both streams, with the terminal's control sequences left in.
 */
export async function runCliInPty(
  args: string[],
  options: CliOptions & {
    /** Typed at the terminal once `after` has appeared (a prompt), instead of `input` at once. */
    answer?: { after: string; text: string };
  },
): Promise<{ code: number | null; transcript: string }> {
  const command = `stty cols 120 rows 40; exec ${[process.execPath, cliScript, ...args].map(shellQuote).join(' ')}`;
  const child = spawn('script', ['--quiet', '--return', '--flush', '--command', command, '/dev/null'], {
    env: { ...environment(options), TERM: 'xterm-256color' },
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let transcript = '';
  const answer = options.answer;
  child.stdout.on('data', (chunk) => {
    transcript += chunk;
    if (answer && transcript.includes(answer.after) && child.stdin.writable) child.stdin.end(answer.text);
  });
  child.stderr.on('data', (chunk) => (transcript += chunk));
  if (!answer) child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (exit) => resolve(exit)));
  clearTimeout(timer);
  return { code, transcript };
}
