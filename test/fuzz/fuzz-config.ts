/**
 * How many examples each fuzz property tries, and the seed every property of a run uses (printed, so a
 * failure can be replayed): `FUZZ_RUNS`, `FUZZ_SEED`, `FUZZ_PATH` (with `-t` naming the one property),
 * `FUZZ_SHRINK=1` to shrink a failure to a smaller request (slower: every shrink step is a request).
 */
import fc from 'fast-check';
import { expect } from 'vitest';

const envNumber = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
};

export const FUZZ_SEED = envNumber('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
/** Examples per property: the default runs the suite (a few thousand requests) in about 30 s on 2 shared cores. */
export const FUZZ_RUNS = envNumber('FUZZ_RUNS', 50);

export function fuzzParameters<T>(): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: FUZZ_RUNS,
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
    endOnFailure: !process.env.FUZZ_SHRINK,
  };
}

export const replayHint = (test: string, path = '<path printed by fast-check>') =>
  `replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_PATH=${path} npx vitest run test/fuzz/fuzz.test.ts -t "${test}"`;

/** fc.assert with this run's parameters; a failure ends with the command that replays it. */
export async function assertFuzz<T extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<T>,
  overrides: Partial<fc.Parameters<T>> = {},
) {
  try {
    await fc.assert(property, { ...fuzzParameters<T>(), ...overrides });
  } catch (error) {
    const path = /path: "([^"]*)"/.exec((error as Error).message)?.[1];
    const test = expect.getState().currentTestName?.split(' > ').at(-1) ?? '<test name>';
    (error as Error).message += `\n${replayHint(test, path)}`;
    throw error;
  }
}
