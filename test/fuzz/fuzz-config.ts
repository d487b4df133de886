/**
 * How many examples each fuzz property tries, and the seed every property of a run uses (printed, so a
 * failure can be replayed): `FUZZ_RUNS`, `FUZZ_SEED`, `FUZZ_PATH` (with `-t` naming the one property),
 * `FUZZ_SHRINK=1` to shrink a failure to a smaller request (slower: every shrink step is a request).
 */
import type fc from 'fast-check';

const envNumber = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
};

export const FUZZ_SEED = envNumber('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
/** Examples per property: CI's default keeps the whole suite around a minute and a half on 2 cores. */
export const FUZZ_RUNS = envNumber('FUZZ_RUNS', 12);

export function fuzzParameters<T>(): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: FUZZ_RUNS,
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
    endOnFailure: !process.env.FUZZ_SHRINK,
  };
}

export const replayHint = (test: string) =>
  `replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_PATH=<path printed by fast-check> npx vitest run test/fuzz -t '${test}'`;
