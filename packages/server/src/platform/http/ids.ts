/** Resource ids: a type prefix and random base-36 characters (`model_k3v9x2m4q7r8`), as in the seed. */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn 4 KiB at a time: one call per id was a measurable share of a request's CPU.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function nextByte(): number {
  if (offset === POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  return pool[offset++]!;
}

export function randomId(prefix: string, length = 16): string {
  let out = '';
  while (out.length < length) {
    const byte = nextByte();
    // 252 is the largest multiple of 36 below 256: rejecting higher bytes keeps every character equally likely.
    if (byte < 252) out += ALPHABET[byte % 36];
  }
  return `${prefix}_${out}`;
}

export const requestId = () => randomId('req', 20);
