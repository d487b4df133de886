/** The note under a table that shows one page of a longer list: which rows these are, and the next page. */
import type { Output } from './output.js';

export function notePage(out: Output, offset: number, shown: number, total: number): void {
  if (offset + shown < total)
    out.note(`Showing ${offset + 1}-${offset + shown} of ${total}; next page: --offset ${offset + shown}`);
}
