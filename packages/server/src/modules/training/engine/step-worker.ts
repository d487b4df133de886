/**
 * The built-in training device's engine: one worker thread (step-thread.ts) that loads graphs by key and
 * runs them. Requests are answered in order; the jobs a runner trains at once share it (it is one device).
 */
import { Worker } from 'node:worker_threads';
import type { StepReply, StepRequest, WireTensor } from './step-protocol.js';

type Pending = { resolve: (reply: StepReply) => void; reject: (error: Error) => void };

/** As for the inference pool: from TypeScript sources (tests), the thread registers tsx first. */
function startThread(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./step-thread.js', import.meta.url));
  const source = new URL('./step-thread.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true });
}

export function createStepWorker() {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function thread(): Worker {
    if (worker) return worker;
    const started = startThread();
    started.on('message', (reply: StepReply) => {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    started.on('error', (error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
      worker = undefined;
    });
    started.unref();
    worker = started;
    return started;
  }

  type Request = StepRequest extends infer R ? (R extends StepRequest ? Omit<R, 'id'> : never) : never;

  async function call(request: Request): Promise<Record<string, WireTensor & { data: Float32Array }>> {
    const id = nextId++;
    const reply = await new Promise<StepReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      thread().postMessage({ ...request, id } as StepRequest);
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply.outputs;
  }

  return {
    load: (key: string, model: Uint8Array) => call({ type: 'load', key, model }),
    drop: (key: string) => call({ type: 'drop', key }),
    run: (key: string, feeds: Record<string, WireTensor>) => call({ type: 'run', key, feeds }),
    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
}

export type StepWorker = ReturnType<typeof createStepWorker>;
