/**
 * Progress shown while a command waits: a cli-progress bar on stderr when stderr is a terminal (and not with
 * --json), nothing otherwise, so logs and pipes stay clean.
 */
import type { SingleBar as Bar } from 'cli-progress';
import { lazyRequire } from './lazy-require.js';
import type { Output } from './output.js';

export interface Progress {
  /** Moves the bar to `value` of `total` (total may change, e.g. once a job knows its size). */
  update(value: number, total?: number, status?: string): void;
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

export function startProgress(
  out: Output,
  options: { label: string; total: number; unit?: 'bytes' | 'items' },
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (out.json || stream.isTTY !== true) return NONE;
  const bytes = options.unit === 'bytes';
  const { SingleBar } = lazyRequire('cli-progress') as { SingleBar: typeof Bar };
  const bar = new SingleBar({
    stream,
    format: `${options.label} [{bar}] {percentage}% | {amount} | {status}`,
    barCompleteChar: '#',
    barIncompleteChar: '-',
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
    formatValue: (value) => String(value),
  });
  let total = Math.max(1, options.total);
  const amount = (value: number) => (bytes ? `${formatBytes(value)}/${formatBytes(total)}` : `${value}/${total}`);
  bar.start(total, 0, { amount: amount(0), status: '' });
  return {
    update(value, newTotal, status = '') {
      if (newTotal !== undefined && newTotal > 0 && newTotal !== total) {
        total = newTotal;
        bar.setTotal(total);
      }
      bar.update(Math.min(value, total), { amount: amount(value), status });
    },
    stop: () => bar.stop(),
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
