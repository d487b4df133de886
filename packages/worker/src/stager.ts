/**
 * Model staging on a peer (a `stage_model` frame on the realtime endpoint): each file is streamed to disk
 * under `<cache-dir>/staged/<dest_dir>/`, hashed as it arrives, and resumed after an interruption with an
 * HTTP Range request from the bytes already written (`<file>.partial`); its size and sha256 are checked
 * against what the source published before it is renamed into place. A platform model (`model_checksum`)
 * comes through the model cache (verified there). Each staged directory gets a `.staged.json` manifest,
 * which the peer's capabilities report.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StageFile, StagedFile } from '@computeplane/device-protocol';
import type { LogRing } from './log-ring.js';
import type { ModelCache } from './model-cache.js';

const TRIES = 5;
const MANIFEST = '.staged.json';

/** `child` inside `parent`, or an error naming the field (no `..` or absolute escapes). */
function inside(parent: string, child: string, what: string): string {
  const full = resolve(parent, child);
  if (full !== parent && !full.startsWith(parent + sep))
    throw new Error(`${what} ${child} leaves the staging directory`);
  return full;
}

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

async function hashFile(path: string, hash: Hash) {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

export function createStager(options: { root: string; cache: ModelCache; log: LogRing; fetch?: typeof fetch }) {
  const doFetch = options.fetch ?? fetch;

  /** Downloads `file.url` to `target`, resuming `<target>.partial`; returns its size and sha256. */
  async function download(file: StageFile, target: string, progress: (bytes: number, total: number | null) => void) {
    const partial = `${target}.partial`;
    let lastError = '';
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      let offset = await sizeOf(partial);
      const hash = createHash('sha256');
      if (offset > 0) await hashFile(partial, hash);
      const response = await doFetch(file.url!, {
        headers: { ...file.headers, ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}) },
      }).catch((error: unknown) => error as Error);
      if (response instanceof Error) {
        lastError = response.message;
        continue;
      }
      if (response.status === 401 || response.status === 403 || response.status === 404)
        throw new Error(`${file.path}: the source answered ${response.status}`);
      if (!response.ok || !response.body) {
        lastError = `HTTP ${response.status}`;
        continue;
      }
      if (offset > 0 && response.status !== 206) {
        // The source ignored the range: start over.
        await rm(partial, { force: true });
        offset = 0;
        return download(file, target, progress);
      }
      const total = file.size ?? null;
      let bytes = offset;
      try {
        await pipeline(
          Readable.fromWeb(response.body as never),
          async function* (source) {
            for await (const chunk of source) {
              hash.update(chunk as Buffer);
              bytes += (chunk as Buffer).length;
              progress(bytes, total);
              yield chunk;
            }
          },
          createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' }),
        );
      } catch (error) {
        lastError = (error as Error).message;
        options.log.warn(`staging ${file.path}: interrupted at ${bytes} bytes (${lastError}); resuming`);
        continue;
      }
      const sha256 = hash.digest('hex');
      if ((file.size !== undefined && bytes !== file.size) || (file.sha256 !== undefined && sha256 !== file.sha256)) {
        lastError = `got ${bytes} bytes with sha256 ${sha256}, expected ${file.size ?? '?'} bytes with ${file.sha256 ?? 'any checksum'}`;
        if (bytes >= (file.size ?? bytes)) await rm(partial, { force: true });
        continue;
      }
      await rename(partial, target);
      return { size: bytes, sha256 };
    }
    throw new Error(`${file.path}: not staged after ${TRIES} tries (${lastError})`);
  }

  return {
    async stage(
      request: { repo_id: string; dest_dir: string; files: StageFile[] },
      progress: (path: string, bytes: number, total: number | null) => void,
    ): Promise<{ dest_dir: string; files: StagedFile[] }> {
      const dir = inside(options.root, request.dest_dir, 'dest_dir');
      const staged: StagedFile[] = [];
      for (const file of request.files) {
        const target = inside(dir, file.path, 'file');
        await mkdir(dirname(target), { recursive: true });
        if (file.model_checksum) {
          await copyFile(await options.cache.path(file.model_checksum), target);
          staged.push({
            path: file.path,
            size: await sizeOf(target),
            sha256: file.model_checksum.slice('sha256:'.length),
          });
          progress(file.path, await sizeOf(target), await sizeOf(target));
          continue;
        }
        if (!file.url) throw new Error(`${file.path}: neither a url nor a model_checksum`);
        const done = await download(file, target, (bytes, total) => progress(file.path, bytes, total));
        staged.push({ path: file.path, ...done });
      }
      await writeFile(join(dir, MANIFEST), JSON.stringify({ repo_id: request.repo_id, files: staged }));
      options.log.info(`staged ${request.repo_id} into ${dir} (${staged.length} files)`);
      return { dest_dir: dir, files: staged };
    },

    /** The staged directories (their manifests), for the peer's capabilities. */
    async list(): Promise<{ repo_id: string; dest_dir: string; files: number }[]> {
      const found: { repo_id: string; dest_dir: string; files: number }[] = [];
      const walk = async (dir: string, depth: number): Promise<void> => {
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) {
          if (entry.isFile() && entry.name === MANIFEST) {
            const manifest = JSON.parse(await readFile(join(dir, entry.name), 'utf8')) as {
              repo_id: string;
              files: unknown[];
            };
            found.push({
              repo_id: manifest.repo_id,
              dest_dir: relative(options.root, dir),
              files: manifest.files.length,
            });
          } else if (entry.isDirectory() && depth < 4) await walk(join(dir, entry.name), depth + 1);
        }
      };
      await walk(options.root, 0);
      return found;
    },
  };
}

export type Stager = ReturnType<typeof createStager>;
