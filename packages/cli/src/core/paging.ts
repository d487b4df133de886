/**
 * Paged lists: the `--limit`/`--offset` flags, and the note under a table that shows one page of a longer
 * list (which rows these are, and the next page).
 */
import type { Command } from 'commander';
import { parseCount } from './input.js';
import type { Output } from './output.js';

export interface PageFlags {
  limit?: number;
  offset?: number;
}

/** Adds `--limit` (1-1000, the API's largest page) and `--offset`, described with what the list holds. */
export const pageOptions = (command: Command, what: string): Command =>
  command
    .option('--limit <n>', `${what} per page (1-1000)`, parseCount('--limit', { max: 1000 }))
    .option('--offset <n>', `${what} to skip`, parseCount('--offset', { min: 0 }));

export function notePage(out: Output, offset: number, shown: number, total: number): void {
  if (offset + shown < total)
    out.note(`Showing ${offset + 1}-${offset + shown} of ${total}; next page: --offset ${offset + shown}`);
}
