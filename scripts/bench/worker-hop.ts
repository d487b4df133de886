/**
 * `npm run bench:hop`: what keeping session.run() off the event loop costs per request on this machine.
 * Measures, in one run, the tiny MLP's run() on one row called on this thread (the baseline: what the
 * minimal server does) against the same run() in a worker thread reached by postMessage and answered the
 * same way (what our server's engine does for one request at concurrency 1). Prints medians and the ratio.
 *
 * Options (environment): HOP_ROUNDS (default 20000).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { repoRoot } from '../lib/specs.js';

const rounds = Number(process.env.HOP_ROUNDS ?? 20_000);
const modelPath = join(repoRoot, 'fixtures/models/tiny-mlp.onnx');
const row = [0.1, 0.2, 0.3, 0.4];
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// The worker: a session of its own, answering each message with the output tensor's data.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
ort.InferenceSession.create(workerData.model, { intraOpNumThreads: 1, interOpNumThreads: 1 }).then((session) => {
  parentPort.on('message', async (data) => {
    const out = await session.run({ input: new ort.Tensor('float32', data, [1, 4]) });
    const result = out.probabilities.data;
    parentPort.postMessage(result, [result.buffer]);
  });
  parentPort.postMessage('ready');
});`;

async function main() {
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const inThread: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await session.run({ input: new ort.Tensor('float32', Float32Array.from(row), [1, 4]) });
    inThread.push(performance.now() - started);
  }

  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { ort: createRequire(import.meta.url).resolve('onnxruntime-node'), model: modelPath },
  });
  await new Promise((resolve) => worker.once('message', resolve));
  const viaWorker: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const data = Float32Array.from(row);
    const reply = new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage(data, [data.buffer]);
    await reply;
    viaWorker.push(performance.now() - started);
  }
  await worker.terminate();

  const base = median(inThread) * 1000;
  const hop = median(viaWorker) * 1000;
  console.log(`\nrun() of one row, ${rounds} rounds each (medians)`);
  console.log(`on this thread (baseline):      ${base.toFixed(1)} µs`);
  console.log(`in a worker thread, round trip: ${hop.toFixed(1)} µs`);
  console.log(
    `ratio worker/baseline: ${(hop / base).toFixed(2)}x; the hop itself adds ${(hop - base).toFixed(1)} µs per request`,
  );
}

await main();
