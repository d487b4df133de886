/**
 * A fake of the Hugging Face Hub's documented HTTP API, enough for model staging: `GET
 * /api/models/{owner}/{name}/revision/{revision}` (`siblings` with `rfilename`, `size` and, for large
 * files, `lfs: {sha256, size}`; `?blobs=true` as the Hub's tools send it) and `GET
 * /{owner}/{name}/resolve/{revision}/{path}` with `Range: bytes=N-` (206). A token, when set, is required
 * as `Authorization: Bearer` (401 otherwise). `interruptOnce(path, bytes)` makes the next download of a
 * file send that many bytes and then drop the connection, as a network failure would.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepoFile {
  path: string;
  content: Uint8Array;
  /** Published as an LFS file (with its sha256), as the Hub does for weights. */
  lfs?: boolean;
}

export interface FakeHub {
  url: string;
  requests: { path: string; range: string | null; authorization: string | null }[];
  interruptOnce(path: string, bytes: number): void;
  close(): Promise<void>;
}

export async function startFakeHub(options: {
  repos: Record<string, { revision?: string; files: FakeRepoFile[] }>;
  token?: string;
}): Promise<FakeHub> {
  const requests: FakeHub['requests'] = [];
  const interrupts = new Map<string, number>();
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  const authorized = (request: IncomingMessage) =>
    options.token === undefined || request.headers.authorization === `Bearer ${options.token}`;

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub');
    const path = decodeURIComponent(url.pathname);
    requests.push({
      path,
      range: request.headers.range ?? null,
      authorization: request.headers.authorization ?? null,
    });
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (!authorized(request)) return json(401, { error: 'Invalid credentials in Authorization header' });
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(path);
    if (info) {
      const repo = options.repos[info[1]!];
      if (!repo || (repo.revision ?? 'main') !== info[2]) return json(404, { error: 'Repository not found' });
      return json(200, {
        id: info[1],
        sha: 'f'.repeat(40),
        siblings: repo.files.map((file) => ({
          rfilename: file.path,
          size: file.content.byteLength,
          ...(file.lfs ? { lfs: { sha256: sha256(file.content), size: file.content.byteLength } } : {}),
        })),
      });
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const repo = resolve && options.repos[resolve[1]!];
    const file = repo && (repo.revision ?? 'main') === resolve[2] && repo.files.find((f) => f.path === resolve[3]);
    if (!file) return json(404, { error: 'Entry not found' });
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start > file.content.byteLength) {
      response.writeHead(416, { 'content-range': `bytes */${file.content.byteLength}` });
      return response.end();
    }
    const body = file.content.subarray(start);
    response.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.byteLength),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${file.content.byteLength - 1}/${file.content.byteLength}` } : {}),
    });
    const cut = interrupts.get(file.path);
    if (cut !== undefined) {
      interrupts.delete(file.path);
      // Dropped a moment after the bytes left: a stream that errors discards the chunks its reader has not
      // taken yet, so a busy peer would otherwise resume from 0 (no Range) as if nothing had arrived.
      response.write(body.subarray(0, cut), () => setTimeout(() => response.socket?.destroy(), 500));
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    interruptOnce: (path, bytes) => interrupts.set(path, bytes),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
