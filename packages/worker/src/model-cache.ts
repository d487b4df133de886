/**
 * Model files by checksum in `--cache-dir` (`<hex>.onnx`): downloaded from the server with the device's
 * token, the sha256 verified before the file is renamed into place; a download whose bytes do not match is
 * refused and fetched again (3 tries). Concurrent requests for one checksum share one download.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Computeplane } from '@computeplane/sdk';
import { downloadDeviceModel } from '@computeplane/sdk/devices';
import type { LogRing } from './log-ring.js';

const TRIES = 3;

export function createModelCache(options: { dir: string; client: () => Computeplane; log: LogRing }) {
  const inFlight = new Map<string, Promise<string>>();

  async function download(checksum: string): Promise<string> {
    const hex = checksum.slice('sha256:'.length);
    const path = join(options.dir, `${hex}.onnx`);
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return path;
    await mkdir(options.dir, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      const { data, error } = await downloadDeviceModel(options.client(), { params: { path: { checksum } } });
      if (error) throw new Error(`model ${checksum}: download failed: ${error.message}`);
      const bytes = new Uint8Array(data as unknown as ArrayBuffer);
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual === hex) {
        const partial = `${path}.${process.pid}.partial`;
        await writeFile(partial, bytes);
        await rename(partial, path);
        options.log.info(`model ${checksum} cached (${bytes.byteLength} bytes)`);
        return path;
      }
      options.log.warn(
        `model ${checksum}: downloaded bytes hash to sha256:${actual}; refused (try ${attempt}/${TRIES})`,
      );
      if (attempt >= TRIES) throw new Error(`model ${checksum}: checksum mismatch after ${TRIES} downloads`);
    }
  }

  return {
    /** Whether the model file is here already (no download). */
    has: (checksum: string) =>
      stat(join(options.dir, `${checksum.slice('sha256:'.length)}.onnx`)).then(
        () => true,
        () => false,
      ),
    /** The checksums of the model files held here (reported in a peer's capabilities as `models`). */
    async list(): Promise<string[]> {
      const names = await readdir(options.dir).catch(() => [] as string[]);
      return names.filter((name) => /^[0-9a-f]{64}\.onnx$/.test(name)).map((name) => `sha256:${name.slice(0, 64)}`);
    },
    /** The local path of the model file, downloading it first if it is not cached. */
    path(checksum: string): Promise<string> {
      let pending = inFlight.get(checksum);
      if (!pending) {
        pending = download(checksum).finally(() => inFlight.delete(checksum));
        inFlight.set(checksum, pending);
      }
      return pending;
    },
  };
}

export type ModelCache = ReturnType<typeof createModelCache>;
