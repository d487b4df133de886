/**
 * Refusals a worker cannot cure by retrying (docs/device-protocol.md, "Reconnecting"), with real worker
 * processes and built server processes: a wrong API key ends the worker at once (status 1, one line); when
 * the server's data is reset under a registered worker (so its token is refused at the upgrade), a worker
 * started plainly exits 1 with one line naming its device, and one started with --reregister joins again as a
 * new device.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap } from '@computeplane/sdk';
import { listDevices } from '@computeplane/sdk/devices';
import { startServerProcess, type ServerProcess } from '@computeplane/test-support/server-process';

const workerScript = fileURLToPath(new URL('../../packages/worker/dist/main.js', import.meta.url));

interface Worker {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startWorker(server: string, name: string, root: string, apiKey: string, extra: string[] = []): Worker {
  const child = spawn(
    process.execPath,
    [workerScript, '--server', server, '--name', name, '--cache-dir', join(root, name), ...extra],
    { env: { PATH: process.env.PATH ?? '', COMPUTEPLANE_API_KEY: apiKey }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => text, exited };
}

const finalLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('computeplane-worker:'));

async function devicesOf(server: ServerProcess) {
  const client = createClient({ baseUrl: server.baseUrl, apiKey: 'test-api-key', maxRetries: 0 });
  return (await unwrap(listDevices(client, { params: { query: { limit: 1000 } } }))).devices;
}

describe('worker refusals', () => {
  let root: string;
  let server: ServerProcess;
  const workers: Worker[] = [];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cp-worker-refusal-'));
    server = await startServerProcess({ DATA_DIR: join(root, 'first') });
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a wrong API key: exit status 1 and one line that names it', async () => {
    const worker = startWorker(server.baseUrl, 'bad-key', root, 'not-a-key');
    workers.push(worker);
    expect(await worker.exited).toBe(1);
    const lines = finalLines(worker.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/refused the API key \(HTTP 401 .*check --api-key/);
    expect((await devicesOf(server)).some((d) => d.name === 'bad-key')).toBe(false);
  });

  it('a refused token: exit 1 naming the device, or a new registration with --reregister', async () => {
    const plain = startWorker(server.baseUrl, 'plain', root, 'test-api-key');
    const again = startWorker(server.baseUrl, 'again', root, 'test-api-key', ['--reregister']);
    workers.push(plain, again);
    let before: Awaited<ReturnType<typeof devicesOf>> = [];
    await expect
      .poll(async () => (before = await devicesOf(server)).filter((d) => d.status === 'idle').length, {
        timeout: 30_000,
        interval: 100,
      })
      .toBeGreaterThanOrEqual(3);
    const plainId = before.find((d) => d.name === 'plain')!.id;
    const againId = before.find((d) => d.name === 'again')!.id;

    // The server comes back on the same port with fresh data: neither token is known there.
    const port = new URL(server.baseUrl).port;
    expect(await server.stop('SIGTERM')).toBe(0);
    server = await startServerProcess({ DATA_DIR: join(root, 'second'), PORT: port });

    expect(await plain.exited).toBe(1);
    const lines = finalLines(plain.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`refused the token of device ${plainId}`);
    expect(lines[0]).toContain('--reregister');

    await expect
      .poll(async () => (await devicesOf(server)).find((d) => d.name === 'again')?.status, {
        timeout: 30_000,
        interval: 100,
      })
      .toBe('idle');
    const now = await devicesOf(server);
    expect(now.find((d) => d.name === 'again')!.id).not.toBe(againId);
    expect(now.some((d) => d.name === 'plain')).toBe(false);
    expect(again.child.exitCode).toBeNull();
  });
});
