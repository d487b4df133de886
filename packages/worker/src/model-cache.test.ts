import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '@computeplane/sdk';
import { createLogRing } from './log-ring.js';
import { createModelCache } from './model-cache.js';

const good = new TextEncoder().encode('the model file');
const checksum = `sha256:${createHash('sha256').update(good).digest('hex')}`;

/** A real HTTP server that answers the download with `bodies[i]` on its i-th request (the last one after). */
async function serve(bodies: Uint8Array[]) {
  let requests = 0;
  const server = createServer((_request, response) => {
    const body = bodies[Math.min(requests++, bodies.length - 1)]!;
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'X-Request-Id': 'req_test' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, baseUrl: `http://127.0.0.1:${address.port}`, requests: () => requests };
}

describe('model cache', () => {
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function cacheFor(bodies: Uint8Array[]) {
    const served = await serve(bodies);
    server = served.server;
    dir = await mkdtemp(join(tmpdir(), 'cp-cache-'));
    const log = createLogRing(100, () => undefined);
    const cache = createModelCache({
      dir,
      client: () => createClient({ baseUrl: served.baseUrl, sdkToken: 'cp_sdk_test', maxRetries: 0 }),
      log,
    });
    return { cache, log, requests: served.requests, dir };
  }

  it('refuses a download whose sha256 does not match and fetches it again', async () => {
    const { cache, log, requests, dir } = await cacheFor([new TextEncoder().encode('corrupted'), good]);
    const path = await cache.path(checksum);
    expect(new Uint8Array(await readFile(path))).toEqual(good);
    expect(requests()).toBe(2);
    expect(log.tail(10, 'warn')[0]!.message).toMatch(/refused/);
    // Cached: no third download.
    await cache.path(checksum);
    expect(requests()).toBe(2);
    expect(await readdir(dir)).toEqual([`${checksum.slice(7)}.onnx`]);
  });

  it('gives up after three bad downloads and keeps nothing', async () => {
    const { cache, requests, dir } = await cacheFor([new TextEncoder().encode('corrupted')]);
    await expect(cache.path(checksum)).rejects.toThrow(/checksum mismatch after 3 downloads/);
    expect(requests()).toBe(3);
    expect(await readdir(dir)).toEqual([]);
  });
});
