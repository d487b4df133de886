/**
 * A fixed pool of inference worker threads. `run()` hands a model key and input tensors to an idle worker
 * (preferring one that already holds the model's session), and answers with the output tensors. Callers
 * (the dynamic batcher) ask `idleCount()` and listen to `onIdle` to decide when to dispatch.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ExecutionError } from './inference-errors.js';
import type { Feeds, TypedArray } from './tensors.js';
import type { FromWorker, ModelSource, ToWorker, WorkerSettings } from './worker-protocol.js';
import { DEFAULT_SETTINGS } from '../../../platform/settings.js';

export interface PoolOptions {
  /** Worker threads (default: available cores, at most 4). */
  workers?: number;
  /** intra-op threads per session (default: cores divided among the workers, at least 1). */
  intraOpNumThreads?: number;
  /** Sessions cached per worker (default 8). */
  maxSessions?: number;
}

export interface RunResult {
  outputs: Feeds;
  computeMs: number;
  worker: number;
}

interface Slot {
  index: number;
  worker: Worker;
  busy: boolean;
  loaded: Set<string>;
  pending?: { id: number; resolve: (message: FromWorker) => void; reject: (error: Error) => void };
}

/** A worker thread died (native crash, out of memory); its request fails and the thread is replaced. */
export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

/**
 * The compiled worker is a .js file next to this one. Running from TypeScript sources (the test suite),
 * the worker first registers tsx's loader in its own thread, then imports the .ts file.
 */
function startWorker(settings: WorkerSettings): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./inference-worker.js', import.meta.url), { workerData: settings });
  const source = new URL('./inference-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: settings });
}

export function createWorkerPool(options: PoolOptions = {}) {
  const cores = availableParallelism();
  const size = options.workers ?? Math.min(cores, 4);
  const settings: WorkerSettings = {
    intraOpNumThreads: options.intraOpNumThreads ?? Math.max(1, Math.floor(cores / size)),
    maxSessions: options.maxSessions ?? DEFAULT_SETTINGS.inference.maxSessions,
  };
  const idleListeners = new Set<() => void>();
  let nextId = 1;
  let closed = false;

  function attach(slot: Slot) {
    const worker = startWorker(settings);
    slot.worker = worker;
    slot.loaded.clear();
    worker.on('message', (message: FromWorker) => {
      const pending = slot.pending;
      if (pending && pending.id === message.id) {
        slot.pending = undefined;
        pending.resolve(message);
      }
    });
    const died = (reason: string) => {
      if (slot.worker !== worker) return;
      const pending = slot.pending;
      slot.pending = undefined;
      pending?.reject(new WorkerCrashedError(`inference worker ${slot.index} stopped: ${reason}`));
      if (!closed) attach(slot);
    };
    worker.on('error', (error) => died(error.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    worker.unref();
  }
  const spawn = (): Slot[] =>
    Array.from({ length: size }, (_, index) => {
      const slot = { index, busy: false, loaded: new Set<string>() } as unknown as Slot;
      attach(slot);
      return slot;
    });
  // Threads start on first use: an app that never runs a model (admin tools, most tests) never pays for them.
  let started: Slot[] | undefined;
  const slotList = () => (started ??= spawn());

  const send = (slot: Slot, message: ToWorker, transfer: ArrayBuffer[]) =>
    new Promise<FromWorker>((resolve, reject) => {
      slot.pending = { id: (message as { id: number }).id, resolve, reject };
      try {
        slot.worker.postMessage(message, transfer);
      } catch (error) {
        // e.g. an input buffer that was already transferred: fail this run, keep the worker.
        slot.pending = undefined;
        reject(new ExecutionError(`could not send the inputs to the worker: ${(error as Error).message}`));
      }
    });

  function pick(key: string): Slot | undefined {
    const idle = slotList().filter((slot) => !slot.busy);
    return idle.find((slot) => slot.loaded.has(key)) ?? idle[0];
  }

  return {
    size,
    settings,
    idleCount: () => (closed ? 0 : slotList().filter((slot) => !slot.busy).length),
    onIdle(listener: () => void) {
      idleListeners.add(listener);
      return () => idleListeners.delete(listener);
    },

    /** Runs on an idle worker; the caller must have checked idleCount() > 0. */
    async run(key: string, loadModel: () => Promise<ModelSource>, feeds: Feeds): Promise<RunResult> {
      if (closed) throw new Error('the inference pool is closed');
      const slot = pick(key);
      if (!slot) throw new Error('no idle inference worker');
      slot.busy = true;
      try {
        const model = slot.loaded.has(key) ? undefined : await loadModel();
        let reply = await send(
          slot,
          { type: 'run', id: nextId++, key, feeds, ...(model ? { model } : {}) },
          buffersOf(feeds),
        );
        if (!reply.ok && reply.needModel) {
          // The worker had evicted the session: it returned the inputs, send them again with the model.
          reply = await send(
            slot,
            { type: 'run', id: nextId++, key, feeds: reply.feeds, model: await loadModel() },
            buffersOf(reply.feeds),
          );
        }
        if (!reply.ok) throw new ExecutionError(reply.needModel ? 'model could not be loaded' : reply.error);
        slot.loaded.add(key);
        return { outputs: reply.outputs, computeMs: reply.computeMs, worker: slot.index };
      } finally {
        slot.busy = false;
        for (const listener of idleListeners) listener();
      }
    },

    /** Drops a model's sessions from every worker (the model was deleted). */
    release(key: string) {
      for (const slot of started ?? []) {
        if (slot.loaded.delete(key)) slot.worker.postMessage({ type: 'release', key } satisfies ToWorker);
      }
    },

    async close() {
      closed = true;
      await Promise.all((started ?? []).map((slot) => slot.worker.terminate()));
    },
  };
}

export type WorkerPool = ReturnType<typeof createWorkerPool>;

/** Input buffers move to the worker instead of being copied; a view into a shared buffer is copied. */
function buffersOf(feeds: Feeds): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const tensor of Object.values(feeds)) {
    const data = tensor.data as TypedArray;
    if (
      data.byteOffset === 0 &&
      data.byteLength === data.buffer.byteLength &&
      !buffers.includes(data.buffer as ArrayBuffer)
    )
      buffers.push(data.buffer as ArrayBuffer);
  }
  return buffers;
}
