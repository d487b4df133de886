import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadOrCreateInternalToken } from './internal-token.js';

it('generates the internal token once, private to its owner, and reuses it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cp-token-'));
  try {
    const [first, concurrent] = await Promise.all([loadOrCreateInternalToken(dir), loadOrCreateInternalToken(dir)]);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(concurrent).toBe(first);
    expect(await loadOrCreateInternalToken(dir)).toBe(first);
    expect((await stat(join(dir, 'internal_token'))).mode & 0o777).toBe(0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
