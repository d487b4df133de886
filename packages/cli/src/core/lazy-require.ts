/**
 * Loads a display library on first use instead of at start-up, so a command on a pipe, or with --json,
 * does not pay for bars, tables and redraws it never shows (`npm run bench:cli`). Node >= 20.19 can
 * require() the ESM-only ones (log-update) too.
 */
import type { createLogUpdate as CreateLogUpdate } from 'log-update';
import { createRequire } from 'node:module';

export const lazyRequire = createRequire(import.meta.url);

/** log-update's `createLogUpdate` (a block redrawn in place on a terminal), loaded on the first call. */
export const createLogUpdate: typeof CreateLogUpdate = (...args) =>
  (lazyRequire('log-update') as { createLogUpdate: typeof CreateLogUpdate }).createLogUpdate(...args);
