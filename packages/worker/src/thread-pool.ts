/** `--max-tasks` worker threads running inference-thread.ts; a task waits for a free thread. */
import { Worker } from 'node:worker_threads';
import type { WireTensor } from '@computeplane/device-protocol';
import type { ThreadReply, ThreadRequest } from './inference-thread.js';

interface Slot {
  worker: Worker;
  busy: boolean;
}

export function createThreadPool(size: number) {
  const slots: Slot[] = [];
  const waiting: ((slot: Slot) => void)[] = [];
  const pending = new Map<number, (reply: ThreadReply) => void>();
  let nextId = 1;
  let running = 0;

  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  };
  const acquire = (): Promise<Slot> => {
    const free = slots.find((slot) => !slot.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (slots.length < size) {
      const worker = new Worker(new URL('./inference-thread.js', import.meta.url));
      worker.on('message', (reply: ThreadReply) => {
        pending.get(reply.id)?.(reply);
        pending.delete(reply.id);
      });
      worker.unref();
      const slot = { worker, busy: true };
      slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };

  return {
    /** Tasks accepted and not finished (heartbeats report it; > 0 makes the device busy). */
    get running() {
      return running;
    },
    async run(modelPath: string, inputs: Record<string, WireTensor>): Promise<ThreadReply> {
      running++;
      const slot = await acquire();
      try {
        const id = nextId++;
        const reply = new Promise<ThreadReply>((resolve) => pending.set(id, resolve));
        slot.worker.postMessage({ id, modelPath, inputs } satisfies ThreadRequest);
        return await reply;
      } finally {
        running--;
        release(slot);
      }
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

export type ThreadPool = ReturnType<typeof createThreadPool>;
