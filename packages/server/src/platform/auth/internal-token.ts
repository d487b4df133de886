/**
 * The internal service token (`X-Internal-Token`): generated on first start and kept in
 * `DATA_DIR/internal_token` (mode 0600), as the seed describes, so every restart keeps it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function loadOrCreateInternalToken(dataDir: string): Promise<string> {
  const path = join(dataDir, 'internal_token');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  await mkdir(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then that one's token is the one to use.
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
  return (await readFile(path, 'utf8')).trim();
}
