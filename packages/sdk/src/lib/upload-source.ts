/**
 * The file of a multipart upload (models, datasets) as a Blob, whatever it comes from: a file path
 * (Node.js only, streamed from disk), a Blob, bytes, or a stream.
 */

/** Where an uploaded file's bytes come from. A string is a file path (Node.js only). */
export type UploadSource =
  string | Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export async function toBlob(source: UploadSource): Promise<Blob> {
  if (typeof source === 'string') {
    // Lazy import keeps the SDK loadable in browsers; openAsBlob streams from disk on each read.
    const { openAsBlob } = await import('node:fs');
    return openAsBlob(source);
  }
  if (source instanceof Blob) return source;
  if (source instanceof ArrayBuffer) return new Blob([source]);
  if (source instanceof Uint8Array) return new Blob([source as Uint8Array<ArrayBuffer>]);
  // FormData needs a Blob, so a stream is read to the end first (the server's size limit bounds it).
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const iterable = isReadableStream(source) ? streamChunks(source) : source;
  for await (const chunk of iterable) chunks.push(chunk as Uint8Array<ArrayBuffer>);
  return new Blob(chunks);
}

function isReadableStream(source: object): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream).getReader === 'function';
}

async function* streamChunks(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}

/** The base name of a file path. */
export const baseNameOf = (path: string): string => path.split(/[\\/]/).pop() || '';
