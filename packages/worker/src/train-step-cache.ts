/**
 * Train-step graphs the server sends inline with a run_train_step task, kept on disk by sha256 (checked
 * before the file is written) so the thread pool loads each one once, like a model.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function trainStepPath(cacheDir: string, sha256: string, base64: string): Promise<string> {
  const dir = join(cacheDir, 'train-steps');
  const path = join(dir, `${sha256}.onnx`);
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  )
    return path;
  const bytes = Buffer.from(base64, 'base64');
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`train-step graph checksum mismatch: expected ${sha256}, got ${actual}`);
  await mkdir(dir, { recursive: true });
  const partial = `${path}.${process.pid}.part`;
  await writeFile(partial, bytes);
  await rename(partial, path);
  return path;
}
