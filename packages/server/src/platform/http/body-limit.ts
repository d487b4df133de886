/**
 * Request size limits, checked before a body is read: model uploads (multipart) may be as large as
 * `MAX_MODEL_BYTES` plus room for the other fields; batch inference bodies to `MAX_BATCH_BYTES`; every
 * other body is held to `MAX_JSON_BYTES`. A body without a usable Content-Length is counted as it
 * arrives: multipart ones by the streaming parser (multipart-stream.ts), the others by hono's bodyLimit.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env.js';
import { ApiProblem } from './problem.js';

export const MULTIPART_OVERHEAD = 1024 * 1024;
/**
 * An oversized body that announced its length is read and discarded (up to this much) before the 413
 * goes out: HTTP clients that are still sending when the server answers and closes (undici's fetch,
 * among others) report a broken socket instead of the 413. Beyond this, the connection is cut.
 */
const DRAIN_UP_TO = 64 * 1024 * 1024;

async function drain(body: ReadableStream<Uint8Array> | null, declared: number) {
  if (!body || !(declared <= DRAIN_UP_TO)) return;
  const reader = body.getReader();
  try {
    while (!(await reader.read()).done);
  } catch {
    // the client went away; nothing to drain
  }
}

export function limitBodies(options: {
  maxModelBytes: number;
  maxJsonBytes: number;
  maxBatchBytes: number;
}): MiddlewareHandler<AppEnv> {
  const limit = (maxSize: number, what: string) =>
    bodyLimit({
      maxSize,
      onError: async (c) => {
        if (!c.req.raw.bodyUsed) await drain(c.req.raw.body, Number(c.req.header('content-length')));
        throw new ApiProblem(413, 'PAYLOAD_TOO_LARGE', `${what} exceeds the limit of ${maxSize} bytes`);
      },
    });
  const multipart = limit(options.maxModelBytes + MULTIPART_OVERHEAD, 'Multipart request body');
  const batch = limit(options.maxBatchBytes, 'Batch request body');
  const other = limit(options.maxJsonBytes, 'Request body');
  return (c, next) => {
    const isMultipart = (c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
    const isBatch = c.req.path === '/api/v1/inference/batch';
    // A declared length within the limit needs no stream wrapping. Touching `c.req.raw.body` (as hono's
    // bodyLimit does) makes @hono/node-server build a full Request, which costs more than the rest of a
    // small request; so only bodies without a usable Content-Length go through the counting stream.
    const declared = Number(c.req.header('content-length'));
    const max = isMultipart
      ? options.maxModelBytes + MULTIPART_OVERHEAD
      : isBatch
        ? options.maxBatchBytes
        : options.maxJsonBytes;
    const usable = c.req.header('transfer-encoding') === undefined && Number.isFinite(declared) && declared >= 0;
    if (usable && declared <= max) return next();
    // Multipart without a length: streamMultipart counts the bytes and stops at the same limit.
    if (isMultipart && !usable) return next();
    return isMultipart ? multipart(c, next) : isBatch ? batch(c, next) : other(c, next);
  };
}
