/**
 * Everything a command prints. `--json` prints the API's response body exactly (one JSON document on stdout);
 * otherwise tables and key/value lists for people. Colour only when the stream is a terminal and NO_COLOR is
 * unset or empty (https://no-color.org); notes and progress go to stderr so stdout stays pipeable.
 */
import type TableType from 'cli-table3';
import pc from 'picocolors';
import { lazyRequire } from './lazy-require.js';

export type Colors = ReturnType<typeof pc.createColors>;

export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
}

export interface Output {
  readonly json: boolean;
  /** Colours for stdout (identity functions when colour is off). */
  readonly color: Colors;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** With --json: `data` as JSON. Otherwise `human(data)`, or the JSON when no human form is given. */
  result<T>(data: T, human?: (data: T) => void): void;
  /** A line on stdout. */
  line(text?: string): void;
  /** For a call answered without a body (204): `message` for people; with --json nothing, as the API sent nothing. */
  done(message: string): void;
  /** A note for the person at the terminal, on stderr (never with --json). */
  note(text: string): void;
  table<Row>(rows: readonly Row[], columns: Column<Row>[], options?: { empty?: string }): void;
  /** `key  value` lines for one object, keys dimmed; undefined values are skipped. */
  fields(entries: [string, unknown][]): void;
}

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function createOutput(options: {
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const color = pc.createColors(colorEnabled(stdout, options.env));
  const errColor = pc.createColors(colorEnabled(stderr, options.env));
  const write = (text: string) => stdout.write(`${text}\n`);
  return {
    json: options.json,
    color,
    stdoutIsTTY: stdout.isTTY === true,
    stderrIsTTY: stderr.isTTY === true,
    result(data, human) {
      if (options.json || !human) write(JSON.stringify(data, null, 2));
      else human(data);
    },
    line: (text = '') => write(text),
    done(message) {
      if (!options.json) write(message);
    },
    note(text) {
      if (!options.json) stderr.write(`${errColor.dim(text)}\n`);
    },
    table(rows, columns, tableOptions = {}) {
      if (rows.length === 0) {
        write(color.dim(tableOptions.empty ?? 'No results.'));
        return;
      }
      const Table = lazyRequire('cli-table3') as typeof TableType;
      const table = new Table({
        head: columns.map((column) => color.bold(column.header)),
        style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
        chars: PLAIN_CHARS,
      });
      for (const row of rows) table.push(columns.map((column) => formatCell(column.value(row))));
      write(
        table
          .toString()
          .split('\n')
          .map((text) => text.trimEnd())
          .join('\n'),
      );
    },
    fields(entries) {
      const shown = entries.filter(([, value]) => value !== undefined);
      const width = Math.max(0, ...shown.map(([key]) => key.length));
      for (const [key, value] of shown) write(`${color.dim(key.padEnd(width))}  ${formatCell(value)}`);
    },
  };
}

/** A cell's text: '-' for nothing, ISO times as they are, objects as compact JSON. */
export function formatCell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return value.join(', ');
  return JSON.stringify(value);
}

/** Borderless columns, like `kubectl get` and `docker ps`. */
const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};
