/**
 * Multipart bodies parsed as they arrive, with file parts written to disk. Hono's form validator (and
 * `parseBody`) read the whole body into an ArrayBuffer and hand it to `Response.formData()`, so a 250 MB
 * upload was held in memory several times over. Here @fastify/busboy (a maintained streaming parser)
 * splits the body; each file part is streamed to a staging file under `uploadDir` while its sha256 and
 * size are computed, and the form the validator sees holds a disk-backed `File` (`fs.openAsBlob`).
 * Bytes are counted as they arrive: past the limit the request is answered 413 at once and its
 * connection closed, without reading the rest. Parsing starts only when a handler or the validator
 * asks for the form, that is after authentication. Staging files are removed when the request ends;
 * a use-case that keeps one (the model store) moves or links it away first.
 */
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { MiddlewareHandler } from 'hono';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppEnv } from './app-env.js';
import { ApiProblem } from './problem.js';

/** A file part on disk: where, how large, and its `sha256:<hex>` checksum. */
export interface StagedFile {
  path: string;
  size: number;
  checksum: string;
}

const staged = new WeakMap<Blob, StagedFile>();

/** The staging file behind a file part of a streamed multipart form (undefined for any other value). */
export const stagedFileOf = (value: unknown): StagedFile | undefined =>
  value instanceof Blob ? staged.get(value) : undefined;

export interface MultipartLimits {
  uploadDir: string;
  /** Largest file part. */
  maxFileBytes: number;
  /** Largest whole body (files plus the other fields and the part headers). */
  maxBodyBytes: number;
}

/** Text fields (names, labels, schemas) are held in memory: at most this much of them in one body. */
const FIELD_BYTES = 16 * 1024 * 1024;

const tooLarge = (message: string) =>
  new ApiProblem(413, 'PAYLOAD_TOO_LARGE', message, { headers: { Connection: 'close' } });

async function parse(body: ReadableStream<Uint8Array>, contentType: string, limits: MultipartLimits, paths: string[]) {
  await mkdir(limits.uploadDir, { recursive: true });
  const form = new FormData();
  const files: Promise<void>[] = [];
  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { 'content-type': contentType },
      limits: { fileSize: limits.maxFileBytes, fieldSize: FIELD_BYTES, parts: 1_000 },
    });
  } catch (error) {
    throw new ApiProblem(400, 'VALIDATION_ERROR', `Malformed multipart body: ${(error as Error).message}`);
  }
  const source = Readable.fromWeb(body as never);
  const fail = (problem: Error) => source.destroy(problem);
  parser.on('file', (name, stream, filename, _encoding, mimeType) => {
    const path = join(limits.uploadDir, `${randomUUID()}.upload`);
    paths.push(path);
    const hash = createHash('sha256');
    let size = 0;
    stream.once('limit', () =>
      fail(
        tooLarge(
          `The uploaded file is larger than this server accepts (${limits.maxFileBytes} bytes, MAX_MODEL_BYTES)`,
        ),
      ),
    );
    const hashing = async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.byteLength;
        yield chunk;
      }
    };
    const written = pipeline(stream, hashing, createWriteStream(path)).then(async () => {
      const file = new File([await openAsBlob(path)], filename, { type: mimeType });
      staged.set(file, { path, size, checksum: `sha256:${hash.digest('hex')}` });
      form.append(name, file);
    });
    written.catch(fail); // a file that cannot be written (a full disk) ends the whole parse
    files.push(written);
  });
  let fieldBytes = 0;
  parser.on('field', (name, value, nameTruncated, valueTruncated) => {
    fieldBytes += value.length;
    if (nameTruncated || valueTruncated || fieldBytes > FIELD_BYTES)
      fail(tooLarge(`Multipart text fields exceed ${FIELD_BYTES} bytes (at '${name}')`));
    else form.append(name, value);
  });
  parser.on('partsLimit', () => fail(tooLarge('The multipart body has too many parts')));

  let received = 0;
  const counted = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      received += chunk.byteLength;
      if (received > limits.maxBodyBytes)
        throw tooLarge(`Multipart request body exceeds the limit of ${limits.maxBodyBytes} bytes`);
      yield chunk;
    }
  };
  try {
    await pipeline(source, counted, parser as unknown as Writable);
    await Promise.all(files);
  } catch (error) {
    // Ours (413) and the system's (a full disk: a logged 500) pass through; the parser's are the client's.
    if (error instanceof ApiProblem || (error as NodeJS.ErrnoException).syscall) throw error;
    throw new ApiProblem(400, 'VALIDATION_ERROR', `Malformed multipart body: ${(error as Error).message}`);
  }
  return form;
}

export function streamMultipart(limits: MultipartLimits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const contentType = c.req.header('content-type') ?? '';
    if (!contentType.toLowerCase().startsWith('multipart/form-data') || c.req.method === 'GET' || !c.req.raw.body)
      return next();
    const paths: string[] = [];
    let parsing: Promise<FormData> | undefined;
    const body = c.req.raw.body;
    // A thenable: Hono awaits `bodyCache.formData` when the form is first asked for.
    const lazy = {
      then: (resolve: (form: FormData) => unknown, reject: (error: unknown) => unknown) =>
        (parsing ??= parse(body, contentType, limits, paths)).then(resolve, reject),
    };
    c.req.bodyCache.formData = lazy as unknown as FormData;
    try {
      await next();
    } finally {
      await parsing?.catch(() => undefined);
      await Promise.all(paths.map((path) => rm(path, { force: true })));
    }
  };
}

/** Removes staging files a previous process left behind (it stopped mid-request); recent ones may be another's. */
export async function sweepStagedFiles(uploadDir: string, olderThanMs = 24 * 60 * 60 * 1000): Promise<number> {
  let removed = 0;
  for (const name of await readdir(uploadDir).catch(() => [] as string[])) {
    if (!name.endsWith('.upload')) continue;
    const path = join(uploadDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > olderThanMs) {
      await rm(path, { force: true });
      removed += 1;
    }
  }
  return removed;
}
