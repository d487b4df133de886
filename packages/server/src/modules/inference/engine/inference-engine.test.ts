/**
 * The dynamic batcher and worker pool with real ONNX Runtime workers: concurrent requests are stacked
 * into fewer executions with the right rows going back to each caller; fixed-batch models run one by one;
 * the queue is bounded; deadlines are kept; released models are loaded again.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { createInferenceEngine, type ModelHandle } from './inference-engine.js';
import { InferenceTimeoutError, QueueFullError } from './inference-errors.js';
import { createInferenceMetrics } from './inference-metrics.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function setup(engineOptions: Parameters<typeof createInferenceEngine>[2], workers = 1) {
  pool = createWorkerPool({ workers, intraOpNumThreads: 1 });
  const registry = new Registry();
  const engine = createInferenceEngine(pool, createInferenceMetrics(registry), engineOptions);
  const counter = async (name: string) =>
    (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
  return { engine, counter };
}

const handle = (file: string, batchable: boolean, loads = { count: 0 }): ModelHandle => ({
  key: file,
  label: file,
  batchable,
  load: async () => {
    loads.count += 1;
    return new Uint8Array(readFileSync(fixturePath(file)));
  },
});
const row = (i: number) => ({
  input: { type: 'float32' as const, dims: [1, 4], data: Float32Array.from([i, i / 2, -i, 1]) },
});

describe('inference engine', () => {
  it('stacks concurrent requests into fewer runs and returns each caller its own rows', async () => {
    const { engine, counter } = setup({ maxBatchSize: 32 });
    const model = handle('tiny-mlp.onnx', true);
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => engine.submit(model, row(i))));
    const session = await ort.InferenceSession.create(fixturePath('tiny-mlp.onnx'));
    const all = Float32Array.from(Array.from({ length: 200 }, (_, i) => [i, i / 2, -i, 1]).flat());
    const expected = (await session.run({ input: new ort.Tensor('float32', all, [200, 4]) })).probabilities!
      .data as Float32Array;
    outcomes.forEach((outcome, i) => {
      const got = Array.from(outcome.outputs.probabilities!.data as Float32Array);
      got.forEach((value, k) => expect(value).toBeCloseTo(expected[i * 3 + k]!, 5));
      expect(outcome.outputs.probabilities!.dims).toEqual([1, 3]);
    });
    const executions = await counter('inference_exec_count_total');
    expect(await counter('inference_count_total')).toBe(200);
    expect(executions).toBeLessThan(200);
    expect(executions).toBeGreaterThanOrEqual(Math.ceil(200 / 32));
  });

  it('runs models with a fixed first dimension one request at a time', async () => {
    const { engine, counter } = setup({ maxBatchSize: 32 });
    const model = handle('fixed-batch.onnx', false);
    await Promise.all(Array.from({ length: 10 }, (_, i) => engine.submit(model, row(i))));
    expect(await counter('inference_exec_count_total')).toBe(10);
  });

  it('waits up to the queue delay to fill a batch', async () => {
    const { engine, counter } = setup({ maxBatchSize: 64, maxQueueDelayUs: 20_000 });
    const model = handle('tiny-mlp.onnx', true);
    await engine.submit(model, row(0)); // load the session first
    const before = await counter('inference_exec_count_total');
    const pending = [engine.submit(model, row(1))];
    await new Promise((resolve) => setTimeout(resolve, 5));
    pending.push(engine.submit(model, row(2)), engine.submit(model, row(3)));
    await Promise.all(pending);
    expect((await counter('inference_exec_count_total')) - before).toBe(1);
  });

  it('refuses work beyond the queue bound instead of growing', async () => {
    const { engine, counter } = setup({ maxQueue: 4 });
    const model = handle('tiny-mlp.onnx', true);
    const settled = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => engine.submit(model, row(i))));
    const refused = settled.filter((s) => s.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QueueFullError);
    expect(settled.some((s) => s.status === 'fulfilled')).toBe(true);
    expect(await counter('inference_request_failure_total')).toBe(refused.length);
    expect(engine.waiting()).toBe(0);
  });

  it('rejects requests whose deadline passes while they wait', async () => {
    const { engine } = setup({ maxBatchSize: 1 });
    const model = handle('image-classifier.onnx', true);
    const pixels = { pixels: { type: 'float32' as const, dims: [1, 3, 4, 4], data: new Float32Array(48) } };
    const settled = await Promise.allSettled(
      Array.from({ length: 60 }, () => engine.submit(model, pixels, { timeoutMs: 2 })),
    );
    const timedOut = settled.filter((s) => s.status === 'rejected');
    expect(timedOut.length).toBeGreaterThan(0);
    expect((timedOut[0] as PromiseRejectedResult).reason).toBeInstanceOf(InferenceTimeoutError);
    expect(engine.waiting()).toBe(0);
  });

  it('loads a model again after its sessions were released', async () => {
    const { engine } = setup({}, 2);
    const loads = { count: 0 };
    const model = handle('regression.onnx', true, loads);
    // Input buffers are transferred to the worker thread, so each request gets its own.
    const features = () => ({
      features: { type: 'float32' as const, dims: [1, 3], data: Float32Array.from([1, 2, 3]) },
    });
    await engine.submit(model, features());
    await engine.submit(model, features());
    const afterWarm = loads.count;
    expect(afterWarm).toBeGreaterThanOrEqual(1);
    engine.release(model.key);
    await engine.submit(model, features());
    expect(loads.count).toBe(afterWarm + 1);
  });
});
