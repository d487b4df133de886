/** The streaming multipart parser: files staged on disk with their checksum, limits enforced as bytes arrive. */
import { Hono } from 'hono';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './app-env.js';
import { onError } from './error-handler.js';
import { stagedFileOf, streamMultipart, sweepStagedFiles } from './multipart-stream.js';

const KB = 1024;
const head = (name: string) =>
  `--b\r\nContent-Disposition: form-data; name="${name}"; filename="m.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`;

describe('streamMultipart', () => {
  let uploadDir: string;
  let seen: { checksum?: string; size?: number; content?: string; name?: unknown } = {};
  const app = new Hono<AppEnv>();
  beforeAll(async () => {
    uploadDir = await mkdtemp(join(tmpdir(), 'cp-multipart-'));
    app.onError(onError);
    app.use('*', streamMultipart({ uploadDir, maxFileBytes: 64 * KB, maxBodyBytes: 80 * KB }));
    app.post('/upload', async (c) => {
      const form = await c.req.formData();
      const file = form.get('model') as File;
      const staged = stagedFileOf(file)!;
      seen = { ...staged, content: await readFile(staged.path, 'utf8'), name: form.get('name') };
      return c.json({ ok: true });
    });
  });
  afterAll(() => rm(uploadDir, { recursive: true, force: true }));

  it('stages a file part on disk with its sha256, and removes it when the request ends', async () => {
    const body = `--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nmine\r\n${head('model')}hello model\r\n--b--\r\n`;
    const response = await app.request('/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
      body,
    });
    expect(response.status).toBe(200);
    expect(seen).toMatchObject({
      checksum: `sha256:${createHash('sha256').update('hello model').digest('hex')}`,
      size: 11,
      content: 'hello model',
      name: 'mine',
    });
    expect(await readdir(uploadDir)).toEqual([]);
  });

  it('answers 413 at the limit and stops reading a body of unknown length', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode(head('model'))),
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(8 * KB).fill(0x61));
      },
    });
    const response = await app.request('/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    // 64 KiB is 8 pulls of 8 KiB; a few more are in flight in the stream buffers, never the whole body.
    expect(pulled).toBeLessThan(16);
    expect(await readdir(uploadDir)).toEqual([]);
  });

  it('sweeps staging files an earlier process left, but not recent ones', async () => {
    const { utimes, writeFile } = await import('node:fs/promises');
    await writeFile(join(uploadDir, 'old.upload'), 'x');
    await writeFile(join(uploadDir, 'new.upload'), 'y');
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await utimes(join(uploadDir, 'old.upload'), dayAgo, dayAgo);
    expect(await sweepStagedFiles(uploadDir)).toBe(1);
    expect(await readdir(uploadDir)).toEqual(['new.upload']);
    await rm(join(uploadDir, 'new.upload'));
  });

  it('answers 400 for a body that is not multipart', async () => {
    const response = await app.request('/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data' },
      body: 'no boundary',
    });
    expect(response.status).toBe(400);
  });
});
