/**
 * The worker's own log: each line goes to stderr and into a ring buffer of the last `capacity` lines, from
 * which the server's log requests are answered.
 */
import type { LogEntry, LogLevel } from '@computeplane/device-protocol';

export function createLogRing(capacity = 10_000, echo: (line: string) => void = (line) => process.stderr.write(line)) {
  const entries: LogEntry[] = [];
  const write = (level: LogLevel, message: string) => {
    const entry = { at: new Date().toISOString(), level, message: message.slice(0, 4096) };
    entries.push(entry);
    if (entries.length > capacity) entries.shift();
    echo(`${entry.at} ${level} ${entry.message}\n`);
  };
  return {
    debug: (message: string) => write('debug', message),
    info: (message: string) => write('info', message),
    warn: (message: string) => write('warn', message),
    error: (message: string) => write('error', message),
    /** The last `lines` entries of `level` (or every level), oldest first. */
    tail(lines: number, level: LogLevel | 'all'): LogEntry[] {
      const matching = level === 'all' ? entries : entries.filter((entry) => entry.level === level);
      return matching.slice(-lines);
    },
  };
}

export type LogRing = ReturnType<typeof createLogRing>;
