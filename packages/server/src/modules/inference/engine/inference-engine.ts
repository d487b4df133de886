/**
 * The inference engine: a dynamic batcher in front of the worker pool, in the spirit of Triton's.
 * Requests for the same model whose tensors can be stacked (same names, types and non-batch dimensions)
 * are joined into one `run()` of up to `maxBatchSize` rows, then split back per request. A batch goes out
 * as soon as a worker is free, or, with `maxQueueDelayUs` > 0, after waiting that long for more rows.
 * Models that cannot be stacked on axis 0 (a fixed first dimension, inputs whose batch is on another axis,
 * scalars), and requests whose inputs do not share dimension 0, run one request at a time. The queue is bounded: beyond
 * `maxQueue` waiting requests, submit() rejects with QueueFullError (the API answers 429).
 */
import type { InferenceMetrics } from './inference-metrics.js';
import { ExecutionError, InferenceTimeoutError, QueueFullError } from './inference-errors.js';
import { commonRows, split, stack, stackKey, type Feeds } from './tensors.js';
import type { WorkerPool } from './worker-pool.js';
import { DEFAULT_SETTINGS } from '../../../platform/settings.js';

export interface EngineOptions {
  maxBatchSize?: number;
  maxQueueDelayUs?: number;
  maxQueue?: number;
}

export type { ModelSource } from './worker-protocol.js';
import type { ModelSource } from './worker-protocol.js';

export interface ModelHandle {
  /** Cache key of the model's bytes (its checksum). */
  key: string;
  /** Label for metrics (the model id). */
  label: string;
  /** Whether requests can be stacked on axis 0 of every input, and outputs split back on axis 0. */
  batchable: boolean;
  /** The model: a file path ONNX Runtime opens itself (no copy in this process), or its bytes. */
  load(): Promise<ModelSource>;
}

export interface InferenceOutcome {
  outputs: Feeds;
  worker: number;
  queueMs: number;
  computeMs: number;
}

interface Pending {
  model: ModelHandle;
  feeds: Feeds;
  rows: number;
  /** Runs alone: the model does not stack, or this request's inputs do not share dimension 0. */
  alone: boolean;
  stackKey: string;
  enqueuedAt: number;
  settled: boolean;
  timer?: NodeJS.Timeout;
  resolve(outcome: InferenceOutcome): void;
  reject(error: Error): void;
}

export function createInferenceEngine(pool: WorkerPool, metrics: InferenceMetrics, options: EngineOptions = {}) {
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_SETTINGS.inference.maxBatchSize;
  const maxQueueDelayMs = (options.maxQueueDelayUs ?? DEFAULT_SETTINGS.inference.maxQueueDelayUs) / 1000;
  const maxQueue = options.maxQueue ?? DEFAULT_SETTINGS.inference.maxQueue;
  /** Waiting requests per model key, oldest first. */
  const queues = new Map<string, Pending[]>();
  let waiting = 0;
  let delayTimer: NodeJS.Timeout | undefined;

  const settle = (request: Pending) => {
    request.settled = true;
    if (request.timer) clearTimeout(request.timer);
  };

  /** Takes the head request and every later one that stacks with it, up to maxBatchSize rows (one pass). */
  function takeBatch(queue: Pending[]): Pending[] {
    const head = queue[0]!;
    if (head.alone) return queue.splice(0, 1);
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    let rows = 0;
    for (const request of queue) {
      if (
        !request.alone &&
        rows < maxBatchSize &&
        request.stackKey === head.stackKey &&
        (batch.length === 0 || rows + request.rows <= maxBatchSize)
      ) {
        batch.push(request);
        rows += request.rows;
      } else rest.push(request);
    }
    queue.length = 0;
    queue.push(...rest);
    return batch;
  }

  /** The queue whose oldest request has waited longest, if it may go now. */
  function nextQueue(now: number): Pending[] | undefined {
    let best: Pending[] | undefined;
    for (const [key, queue] of queues) {
      if (queue.length === 0) queues.delete(key);
      else if (!best || queue[0]!.enqueuedAt < best[0]!.enqueuedAt) best = queue;
    }
    if (!best || maxQueueDelayMs === 0) return best;
    const rows = best.reduce((sum, request) => sum + request.rows, 0);
    const age = now - best[0]!.enqueuedAt;
    if (rows >= maxBatchSize || age >= maxQueueDelayMs || best[0]!.alone) return best;
    if (!delayTimer) {
      delayTimer = setTimeout(
        () => {
          delayTimer = undefined;
          pump();
        },
        Math.max(0, maxQueueDelayMs - age),
      );
    }
    return undefined;
  }

  function pump() {
    while (pool.idleCount() > 0) {
      const queue = nextQueue(performance.now());
      if (!queue) return;
      const batch = takeBatch(queue).filter((request) => !request.settled);
      waiting -= batch.length;
      if (batch.length > 0) void execute(batch);
    }
  }

  async function execute(batch: Pending[]) {
    const model = batch[0]!.model;
    const started = performance.now();
    for (const request of batch)
      metrics.queueSeconds.observe({ model: model.label }, (started - request.enqueuedAt) / 1000);
    const names = Object.keys(batch[0]!.feeds);
    const feeds: Feeds = {};
    for (const name of names) feeds[name] = stack(batch.map((request) => request.feeds[name]!));
    try {
      const { outputs, computeMs, worker } = await pool.run(model.key, model.load, feeds);
      metrics.executions.inc({ model: model.label });
      metrics.computeSeconds.observe({ model: model.label }, computeMs / 1000);
      const rowCounts = batch.map((request) => request.rows);
      const pieces: Record<string, Feeds[string][]> = {};
      for (const [name, tensor] of Object.entries(outputs)) {
        pieces[name] = batch.length === 1 ? [tensor] : split(tensor, rowCounts);
      }
      batch.forEach((request, index) => {
        if (request.settled) return;
        settle(request);
        const own: Feeds = {};
        for (const name of Object.keys(pieces)) own[name] = pieces[name]![index]!;
        metrics.success.inc({ model: model.label });
        metrics.inferences.inc({ model: model.label }, request.rows);
        request.resolve({ outputs: own, worker, queueMs: started - request.enqueuedAt, computeMs });
      });
    } catch (error) {
      for (const request of batch) {
        if (request.settled) continue;
        settle(request);
        metrics.failure.inc({ model: model.label, reason: error instanceof ExecutionError ? 'execution' : 'worker' });
        request.reject(
          error instanceof ExecutionError
            ? new ExecutionError(`The model could not run these inputs: ${error.message}`)
            : (error as Error),
        );
      }
    } finally {
      pump();
    }
  }

  pool.onIdle(pump);

  return {
    options: { maxBatchSize, maxQueueDelayUs: maxQueueDelayMs * 1000, maxQueue },
    waiting: () => waiting,

    /** Queues one request (tensors with dimension 0 = rows) and resolves with its own outputs. */
    submit(model: ModelHandle, feeds: Feeds, { timeoutMs }: { timeoutMs?: number } = {}): Promise<InferenceOutcome> {
      if (waiting >= maxQueue) {
        metrics.failure.inc({ model: model.label, reason: 'queue_full' });
        return Promise.reject(new QueueFullError(waiting));
      }
      return new Promise<InferenceOutcome>((resolve, reject) => {
        const rows = model.batchable ? commonRows(feeds) : undefined;
        const request: Pending = {
          model,
          feeds,
          rows: rows ?? 1,
          alone: rows === undefined,
          stackKey: rows === undefined ? '' : stackKey(feeds),
          enqueuedAt: performance.now(),
          settled: false,
          resolve,
          reject,
        };
        if (timeoutMs !== undefined) {
          request.timer = setTimeout(() => {
            if (request.settled) return;
            settle(request);
            const queue = queues.get(model.key);
            const index = queue?.indexOf(request) ?? -1;
            if (index >= 0) {
              queue!.splice(index, 1);
              waiting -= 1;
            }
            metrics.failure.inc({ model: model.label, reason: 'timeout' });
            reject(new InferenceTimeoutError(timeoutMs));
          }, timeoutMs);
        }
        let queue = queues.get(model.key);
        if (!queue) queues.set(model.key, (queue = []));
        queue.push(request);
        waiting += 1;
        pump();
      });
    },

    release: (key: string) => pool.release(key),
  };
}

export type InferenceEngine = ReturnType<typeof createInferenceEngine>;

/** What batch and item runs need of an engine: the in-process one, or a device's (device-engine.ts). */
export type EngineLike = Pick<InferenceEngine, 'submit' | 'options'>;
