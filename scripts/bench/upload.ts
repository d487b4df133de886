/**
 * `npm run bench:upload`: the server's memory while it takes a large model upload. Starts the built
 * server as a child process (as `npm start` runs it), samples its RSS from /proc/<pid>/status, uploads a
 * generated ONNX model of UPLOAD_MB megabytes (default 250), after a warm-up upload, and prints the RSS growth before, at the
 * peak and after, as a ratio of the file size. Target: peak growth under 1.5x the file size, and back
 * near the baseline after. `--main <path>` runs another build (e.g. a copy of main's dist) for comparison.
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from '@computeplane/test-support/databases';
import { mainScript, startServerProcess } from '@computeplane/test-support/server-process';
import { largeOnnxModel } from './large-model.js';

const MB = 1024 * 1024;
const sizeMb = Number(process.env.UPLOAD_MB ?? 250);
const mainAt = process.argv.indexOf('--main');
const script = mainAt > 0 ? process.argv[mainAt + 1]! : mainScript;

async function memory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** A tenant and its key through the admin API (PostgreSQL seeds no development key). */
async function issueKey(baseUrl: string): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}/api/v1/admin/${path}`, {
      method: 'POST',
      headers: { 'X-Admin-Key': 'bench-admin-key-0123456789', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { id: string; key: string };
  };
  const tenant = await post('tenants', { name: 'bench' });
  return (await post('api-keys', { tenant_id: tenant.id })).key;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

const dir = await mkdtemp(join(tmpdir(), 'cp-bench-upload-'));
const file = join(dir, 'large.onnx');
await writeFile(file, largeOnnxModel(sizeMb * MB));
const fileSize = (await openAsBlob(file)).size;
// `--postgres`: a fresh PostgreSQL database (DATABASE_URL), where files are stored in the `blobs` tables.
const postgres = process.argv.includes('--postgres') ? await createPostgresDatabase() : undefined;
const ADMIN = 'bench-admin-key-0123456789';
const server = await startServerProcess(
  {
    DATA_DIR: join(dir, 'data'),
    MAX_MODEL_BYTES: String(fileSize + 64 * MB),
    ...(postgres ? { DATABASE_URL: postgres.url, ADMIN_KEY: ADMIN } : {}),
  },
  script,
);
try {
  const pid = server.child.pid!;
  const apiKey = postgres ? await issueKey(server.baseUrl) : 'test-api-key';
  // A warm-up upload (a tenth of the size) first: ONNX Runtime is loaded and start-up garbage collected,
  // so the baseline is the server's steady state rather than its start-up peak.
  const upload = (model: Blob, name: string) => {
    const form = new FormData();
    form.set('model', model, name);
    return fetch(`${server.baseUrl}/api/v1/models`, {
      method: 'POST',
      headers: { 'X-API-Key': apiKey },
      body: form,
    });
  };
  const warmUp = await upload(new Blob([largeOnnxModel(Math.ceil(fileSize / 10))]), 'warm-up.onnx');
  if (warmUp.status !== 201) throw new Error(`warm-up upload answered ${warmUp.status}: ${await warmUp.text()}`);
  await settle(3_000);
  const before = await memory(pid);
  let peak = before.rss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await memory(pid)).rss);
      await settle(10);
    }
  })();
  const started = performance.now();
  const response = await upload(await openAsBlob(file), 'large.onnx');
  const seconds = (performance.now() - started) / 1000;
  const answer = await response.text();
  if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${answer.slice(0, 300)}`);
  await settle(3_000);
  sampling = false;
  await sampler;
  const after = await memory(pid);
  peak = Math.max(peak, after.hwm);
  console.log(`server: ${script}${postgres ? ' on PostgreSQL' : ' on PGlite'}`);
  console.log(`file: ${mb(fileSize)}, upload ${seconds.toFixed(1)} s`);
  console.log(`RSS before ${mb(before.rss)}, peak ${mb(peak)}, after ${mb(after.rss)}`);
  console.log(
    `peak growth ${mb(peak - before.rss)} = ${((peak - before.rss) / fileSize).toFixed(2)}x the file (target < 1.5x); ` +
      `after ${mb(after.rss - before.rss)} = ${((after.rss - before.rss) / fileSize).toFixed(2)}x`,
  );
} finally {
  await server.stop();
  await postgres?.drop();
  await rm(dir, { recursive: true, force: true });
}
