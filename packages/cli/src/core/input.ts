/** Values given on the command line: `JSON`, `@file` (JSON read from a file) or `-` (JSON from stdin). */
import { readFile } from 'node:fs/promises';
import { UsageError } from './errors.js';

export async function readJsonArgument(value: string, flag: string): Promise<unknown> {
  const text =
    value === '-' ? await readStdin() : value.startsWith('@') ? await readArgumentFile(value.slice(1), flag) : value;
  try {
    return JSON.parse(text);
  } catch (error) {
    const where = value === '-' ? 'stdin' : value.startsWith('@') ? value.slice(1) : 'the value';
    throw new UsageError(`${flag}: ${where} is not valid JSON (${(error as Error).message})`);
  }
}

async function readArgumentFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A positive integer flag (`--limit 10`), or a usage error naming the flag. */
export function parseCount(flag: string, options: { min?: number; max?: number } = {}) {
  return (value: string): number => {
    const number = Number(value);
    const min = options.min ?? 1;
    if (!Number.isInteger(number) || number < min || (options.max !== undefined && number > options.max))
      throw new UsageError(
        `${flag} must be a whole number ${options.max !== undefined ? `from ${min} to ${options.max}` : `>= ${min}`}, got "${value}"`,
      );
    return number;
  };
}

/** A number flag (`--max-price 1.5`). */
export function parseNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number))
      throw new UsageError(`${flag} must be a number, got "${value}"`);
    return number;
  };
}

/** `KEY=VALUE` pairs collected from a repeatable flag (`--env A=1 --env B=2`). */
export function collectPairs(flag: string) {
  return (value: string, previous: Record<string, string> = {}): Record<string, string> => {
    const index = value.indexOf('=');
    if (index <= 0) throw new UsageError(`${flag} takes KEY=VALUE, got "${value}"`);
    return { ...previous, [value.slice(0, index)]: value.slice(index + 1) };
  };
}

/** Values collected from a repeatable flag (`--label a --label b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
