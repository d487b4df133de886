/**
 * Resources of the built server over real sockets (issue 11, sections 3 and 4): slow clients are cut
 * off at the configured limits, an oversized chunked upload is refused at the limit without being
 * buffered, a large upload stays within a bounded amount of memory, and metrics are served on their own
 * loopback listener while the API port answers /metrics only to the operator.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';
import { largeOnnxModel } from '../../scripts/bench/large-model.js';

const MB = 1024 * 1024;
const LIMIT = 256 * MB;

async function memory(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** The process' highest RSS while `work` runs (sampled), less its RSS before. */
async function rssGrowthDuring(pid: number, work: () => Promise<unknown>): Promise<number> {
  const before = (await memory(pid)).rss;
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await memory(pid)).rss);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    await work();
  } finally {
    sampling = false;
    await sampler;
  }
  return Math.max(peak, (await memory(pid)).rss) - before;
}

/** Opens a socket, writes `head`, and resolves with how long the server kept it open and what it answered. */
function openAndWait(baseUrl: string, head: string, keepSending?: (socket: Socket) => void) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise<{ ms: number; answer: string }>((resolve) => {
    const started = performance.now();
    let answer = '';
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      keepSending?.(socket);
    });
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ ms: performance.now() - started, answer }));
  });
}

describe('slow clients and large bodies (built server, real sockets)', () => {
  let root: string;
  let server: ServerProcess;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-e2e-res-'));
    server = await startServerProcess({
      DATA_DIR: root,
      HEADERS_TIMEOUT_MS: '500',
      BODY_IDLE_TIMEOUT_MS: '500',
      REQUEST_TIMEOUT_MS: '3000',
      MAX_MODEL_BYTES: String(LIMIT),
    });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('closes a connection whose headers never finish, at the headers limit', async () => {
    const { ms } = await openAndWait(server.baseUrl, 'POST /api/v1/models HTTP/1.1\r\nHost: x\r\nX-Api-Key: te');
    expect(ms).toBeLessThan(2_500);
  });

  it('closes a connection whose body is shorter than its Content-Length, at the idle limit', async () => {
    const { ms } = await openAndWait(
      server.baseUrl,
      'POST /api/v1/models HTTP/1.1\r\nHost: x\r\nX-API-Key: test-api-key\r\n' +
        'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n',
    );
    expect(ms).toBeLessThan(2_500);
  });

  it('lets a body that keeps arriving finish, but not past the request limit', async () => {
    // A byte every 200 ms never trips the 500 ms idle limit; the 3 s request limit ends it.
    let timer: NodeJS.Timeout | undefined;
    const { ms } = await openAndWait(
      server.baseUrl,
      'POST /api/v1/models HTTP/1.1\r\nHost: x\r\nX-API-Key: test-api-key\r\n' +
        'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n',
      (socket) => {
        timer = setInterval(() => socket.write('-'), 200);
        socket.on('close', () => clearInterval(timer));
      },
    );
    clearInterval(timer);
    expect(ms).toBeGreaterThan(2_500);
    expect(ms).toBeLessThan(6_000);
  });

  it('refuses a chunked upload at the size limit with 413, without buffering it or reading on', async () => {
    const chunk = Buffer.alloc(MB, 0x3c);
    let written = 0;
    let answer = '';
    const send = () =>
      openAndWait(
        server.baseUrl,
        'POST /api/v1/models HTTP/1.1\r\nHost: x\r\nX-API-Key: test-api-key\r\nTransfer-Encoding: chunked\r\n' +
          'Content-Type: multipart/form-data; boundary=b\r\n\r\n',
        (socket) => {
          const first = '--b\r\nContent-Disposition: form-data; name="model"; filename="m.onnx"\r\n\r\n';
          socket.write(`${Buffer.byteLength(first).toString(16)}\r\n${first}\r\n`);
          let answered = false;
          socket.once('data', () => (answered = true));
          const pump = () => {
            while (!answered && !socket.destroyed && written < 4 * LIMIT) {
              written += chunk.byteLength;
              socket.write(`${chunk.byteLength.toString(16)}\r\n`);
              socket.write(chunk);
              if (!socket.write('\r\n')) return void socket.once('drain', pump);
            }
          };
          pump();
        },
      ).then((result) => (answer = result.answer));
    const growth = await rssGrowthDuring(server.child.pid!, send);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(written).toBeLessThan(LIMIT + 16 * MB);
    // Streamed to a staging file: the server grows by its GC lag only (a few MB to ~30 MB), not by the body.
    expect(growth).toBeLessThan(LIMIT / 4);
  });

  it('takes a large upload with memory growth under 1.5x the file, ONNX Runtime reading it from disk', async () => {
    const bytes = largeOnnxModel(48 * MB);
    const form = new FormData();
    form.set('model', new Blob([bytes]), 'large.onnx');
    let response!: Response;
    const growth = await rssGrowthDuring(server.child.pid!, async () => {
      response = await fetch(`${server.baseUrl}/api/v1/models`, {
        method: 'POST',
        headers: { 'X-API-Key': 'test-api-key' },
        body: form,
      });
    });
    expect(response.status).toBe(201);
    const model = (await response.json()) as { id: string };
    expect(growth).toBeLessThan(1.5 * bytes.byteLength);

    // It runs, loaded by the worker from the stored file.
    const run = await fetch(`${server.baseUrl}/api/v1/inference`, {
      method: 'POST',
      headers: { 'X-API-Key': 'test-api-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model_id: model.id, input: { data: [1], shape: [1] } }),
    });
    expect(run.status).toBe(200);
  });

  it('serves metrics on the loopback listener, and /metrics on the API port only with the admin key', async () => {
    const metrics = await fetch(`${server.metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/http_requests_total\{/);
    expect(server.logs.some((entry) => entry.metrics_host === '127.0.0.1')).toBe(true);
    const open = await fetch(`${server.baseUrl}/metrics`);
    expect(open.status).toBe(401);
    expect(await open.text()).not.toMatch(/model_|http_requests_total/);
  });
});
