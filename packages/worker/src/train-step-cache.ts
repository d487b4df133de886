/**
 * Train-step graphs the server sends inline with a run_train_step task, kept on disk by sha256 (checked
 * before the file is written) so the thread pool loads each one once, like a model.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `graph`: base64 (a JSON frame), bytes (a binary frame), or absent (sent earlier on this socket, so on disk). */
export async function trainStepPath(cacheDir: string, sha256: string, graph?: string | Uint8Array): Promise<string> {
  const dir = join(cacheDir, 'train-steps');
  const path = join(dir, `${sha256}.onnx`);
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  )
    return path;
  if (graph === undefined) throw new Error(`train-step graph ${sha256} was not sent and is not in the cache`);
  const bytes = typeof graph === 'string' ? Buffer.from(graph, 'base64') : graph;
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new Error(`train-step graph checksum mismatch: expected ${sha256}, got ${actual}`);
  await mkdir(dir, { recursive: true });
  const partial = `${path}.${process.pid}.part`;
  await writeFile(partial, bytes);
  await rename(partial, path);
  return path;
}
