/**
 * The workload's exit in numbers and words, as the seed shows it (`exit_code` 137, `exit_message` "killed
 * by signal 9 (SIGKILL)"): runc's exit status is the init's code, or 128+N when a signal N killed it; a
 * command runc could not start is 127 "command not found" (126 when it exists but cannot be run), read
 * from runc's own error; a SIGKILL while the cgroup counted an OOM kill is "... - OOM".
 */
import { constants } from 'node:os';

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

export interface ExitStatus {
  exitCode: number;
  exitMessage: string;
}

export function describeExit(status: number, runtimeError: string | undefined, oomKilled: boolean): ExitStatus {
  if (runtimeError && /executable file not found|no such file or directory/i.test(runtimeError))
    return { exitCode: 127, exitMessage: 'command not found' };
  if (runtimeError && /permission denied|exec format error/i.test(runtimeError))
    return { exitCode: 126, exitMessage: 'command cannot be run (permission denied or not an executable)' };
  if (runtimeError && status === 1) return { exitCode: 1, exitMessage: `failed to start: ${runtimeError}` };
  if (status > 128 && status < 128 + 65) {
    const signal = status - 128;
    const name = SIGNAL_NAMES.get(signal);
    const text = `killed by signal ${signal}${name ? ` (${name})` : ''}`;
    return { exitCode: status, exitMessage: oomKilled && signal === 9 ? `${text} - OOM` : text };
  }
  return { exitCode: status, exitMessage: status === 0 ? 'exited normally' : `exited with code ${status}` };
}

/** The last error runc logged (its log is JSON, one object a line), without runc's own prefixes. */
export function runtimeErrorOf(log: string): string | undefined {
  const errors = log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as { level?: string; msg?: string };
      } catch {
        return {};
      }
    })
    .filter((entry) => entry.level === 'error' || entry.level === 'fatal');
  return errors.pop()?.msg?.replace(/^runc run failed: /, '');
}
