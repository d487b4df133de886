/**
 * `npm run bench:inference`: our server against the floor, measured in one run on one machine with one
 * load generator (autocannon), on the tiny MLP fixture.
 *   1. a minimal node:http + onnxruntime-node server (minimal-server.ts), and the same handler on Hono
 *      (hono-floor-server.ts: what the required framework costs before any of our work);
 *   2. our server (`node packages/server/dist/main.js`, embedded database), sync inference.
 * Prints req/s, p50 and p99 latency and the ratio 2/1 at concurrency 1 and 64; then rows/s of a batch job
 * of BATCH_ROWS inputs end to end (submitted, stored, run, polled every 10 ms to completion), sent as
 * `inputs` and as `stacked_input` (JSON numbers, then base64 bytes), against a bare in-process loop of
 * batched run() calls over the same rows; stacked forms and the bare loop take the median of BATCH_REPEATS.
 *
 * Options (environment): BENCH_SECONDS (default 10), BATCH_ROWS (default 100000), BATCH_REPEATS (default 3),
 * INFERENCE_WORKERS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import * as ort from 'onnxruntime-node';
import { repoRoot } from '../lib/specs.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const batchRows = Number(process.env.BATCH_ROWS ?? 100_000);
const batchRepeats = Number(process.env.BATCH_REPEATS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const modelPath = join(repoRoot, 'fixtures/models/tiny-mlp.onnx');
const row = [0.1, 0.2, 0.3, 0.4];

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });

async function waitUntilUp(url: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, connections: number, headers: Record<string, string>, body: string): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function main() {
  const results: Record<string, Load> = {};

  // 1. The floor, and the same handler on Hono (the framework's own cost; see hono-floor-server.ts).
  for (const [name, script] of [
    ['minimal', 'minimal-server.ts'],
    ['hono floor', 'hono-floor-server.ts'],
  ] as const) {
    const floorPort = await freePort();
    const floor = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'scripts/bench', script), modelPath, String(floorPort)],
      { stdio: 'ignore' },
    );
    try {
      await waitUntilUp(`http://127.0.0.1:${floorPort}/`, floor).catch(() => undefined);
      const body = JSON.stringify({ input: { data: row, shape: [1, 4] } });
      for (const c of [1, 64]) results[`${name} c=${c}`] = await load(`http://127.0.0.1:${floorPort}/`, c, {}, body);
    } finally {
      floor.kill('SIGTERM');
    }
  }

  // 2. Our server, as operators run it.
  const dataDir = await mkdtemp(join(tmpdir(), 'cp-bench-'));
  const port = await freePort();
  const server = spawn(process.execPath, [join(repoRoot, 'packages/server/dist/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const batches: Record<string, { rows: number; seconds: number; rowsPerSecond: number; runs: number[] }> = {};
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilUp(`${base}/api/v1/health`, server);
    const headers = { 'X-API-Key': 'test-api-key' };
    const form = new FormData();
    form.set('model', new Blob([await readFile(modelPath)]), 'tiny-mlp.onnx');
    const model = (await (await fetch(`${base}/api/v1/models`, { method: 'POST', headers, body: form })).json()) as {
      id: string;
    };
    const body = JSON.stringify({ model_id: model.id, input: { data: row, shape: [1, 4] } });
    await load(`${base}/api/v1/inference`, 8, headers, body); // warm-up: sessions loaded in every worker
    for (const c of [1, 64]) results[`computeplane c=${c}`] = await load(`${base}/api/v1/inference`, c, headers, body);

    // The same rows as batch jobs: one object per row (`inputs`, the seed's form), then stacked as the rows
    // of one tensor (`stacked_input`), with the elements as JSON numbers and as base64 bytes. Each form runs
    // BATCH_REPEATS times and the median counts, as for the bare loop below (the first run of a code path
    // pays for its JIT warm-up on both sides).
    const rowsOf = (i: number) => [i % 10, 1, 2, 3].map((v) => v / 10);
    const flat = Float32Array.from(Array.from({ length: batchRows }, (_, i) => rowsOf(i)).flat());
    const bodies = {
      inputs: JSON.stringify({
        model_id: model.id,
        inputs: Array.from({ length: batchRows }, (_, i) => ({ data: rowsOf(i), shape: [1, 4] })),
      }),
      stacked_input: JSON.stringify({
        model_id: model.id,
        stacked_input: { data: Array.from(flat, (v) => Math.round(v * 10) / 10), shape: [batchRows, 4] },
      }),
      'stacked_input, data_base64': JSON.stringify({
        model_id: model.id,
        stacked_input: { data_base64: Buffer.from(flat.buffer).toString('base64'), shape: [batchRows, 4] },
      }),
    };
    for (const [form, body] of Object.entries(bodies)) {
      const times: number[] = [];
      // The seed's form takes seconds per run: once is enough to place it.
      for (let run = 0; run < (form === 'inputs' ? 1 : batchRepeats); run++) {
        const started = performance.now();
        const response = await fetch(`${base}/api/v1/inference/batch`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
        const accepted = (await response.json()) as { job_id: string };
        if (response.status !== 202)
          throw new Error(`batch (${form}) answered ${response.status}: ${JSON.stringify(accepted)}`);
        let status = 'queued';
        while (status === 'queued' || status === 'running') {
          await new Promise((resolve) => setTimeout(resolve, 10));
          status = (
            (await (
              await fetch(`${base}/api/v1/inference/${accepted.job_id}?results_limit=0`, { headers })
            ).json()) as { status: string }
          ).status;
        }
        if (status !== 'completed') throw new Error(`batch (${form}) ended ${status}`);
        times.push((performance.now() - started) / 1000);
      }
      const elapsed = median(times);
      batches[form] = { rows: batchRows, seconds: elapsed, rowsPerSecond: batchRows / elapsed, runs: times };
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }

  // 3. The bare loop: batched run() calls over the same rows, in-process, batch size as our server's default.
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const flat = Float32Array.from(
    Array.from({ length: batchRows }, (_, i) => [i % 10, 1, 2, 3].map((v) => v / 10)).flat(),
  );
  const bareTimes: number[] = [];
  for (let run = 0; run < batchRepeats; run++) {
    const bareStarted = performance.now();
    for (let offset = 0; offset < batchRows; offset += 64) {
      const rows = Math.min(64, batchRows - offset);
      await session.run({
        input: new ort.Tensor('float32', flat.subarray(offset * 4, (offset + rows) * 4), [rows, 4]),
      });
    }
    bareTimes.push((performance.now() - bareStarted) / 1000);
  }
  const bareSeconds = median(bareTimes);

  console.log(`\ninference benchmark (tiny-mlp, ${seconds}s per load, autocannon)`);
  // autocannon reports percentiles in whole milliseconds, too coarse below 1 ms. At concurrency 1 one
  // request is in flight at a time, so 1000 / req/s is the exact mean round trip; it is printed as "rtt".
  console.log('server                   req/s   rtt ms  p50 ms  p99 ms  errors');
  for (const [name, r] of Object.entries(results)) {
    const rtt = name.endsWith('c=1') ? (1000 / r.rps).toFixed(3) : '-';
    console.log(
      `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} ${rtt.padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)}  ${r.errors + r.non2xx}`,
    );
  }
  for (const name of ['computeplane', 'hono floor']) {
    for (const c of [1, 64]) {
      const ours = results[`${name} c=${c}`]!;
      const floor = results[`minimal c=${c}`]!;
      const latency =
        c === 1
          ? `round trip ${(floor.rps / ours.rps).toFixed(2)}x`
          : `p50 ${floor.p50 > 0 ? (ours.p50 / floor.p50).toFixed(2) : 'n/a'}x`;
      console.log(`ratio ${name}/minimal c=${c}: throughput ${(ours.rps / floor.rps).toFixed(2)}x, ${latency}`);
    }
  }
  const bare = batchRows / bareSeconds;
  const runs = (times: number[]) =>
    times.length > 1 ? ` (median of ${times.map((t) => t.toFixed(3)).join(', ')})` : '';
  console.log(
    `bare loop: ${batchRows} rows in ${bareSeconds.toFixed(3)} s = ${bare.toFixed(0)} rows/s${runs(bareTimes)}`,
  );
  for (const [form, batch] of Object.entries(batches)) {
    console.log(
      `batch job (${form}): ${batch.rows} rows in ${batch.seconds.toFixed(3)} s = ${batch.rowsPerSecond.toFixed(0)} rows/s${runs(batch.runs)}, ratio batch/bare ${(batch.rowsPerSecond / bare).toFixed(3)}x`,
    );
  }
}

await main();
