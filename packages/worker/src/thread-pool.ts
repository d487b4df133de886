/**
 * `--max-tasks` worker threads running inference-thread.ts; a task waits for a free thread. A thread that
 * dies (an uncaught error, or an exit) fails the task it was running and leaves the pool; the next task
 * gets a new thread, and the device process stays up.
 */
import { Worker } from 'node:worker_threads';
import type { WireTensor } from '@computeplane/device-protocol';
import type { ThreadReply, ThreadRequest } from './inference-thread.js';

interface Slot {
  worker: Worker;
  busy: boolean;
  /** The request the thread is running. */
  current?: number;
}

export function createThreadPool(size: number, script = new URL('./inference-thread.js', import.meta.url)) {
  const slots: Slot[] = [];
  const waiting: ((slot: Slot) => void)[] = [];
  const pending = new Map<number, (reply: ThreadReply) => void>();
  let nextId = 1;
  let running = 0;

  /** A new thread, handed out busy. */
  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(script), busy: true };
    slot.worker.on('message', (reply: ThreadReply) => {
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    });
    const died = (why: string) => {
      const at = slots.indexOf(slot);
      if (at >= 0) slots.splice(at, 1);
      if (slot.current === undefined) return;
      pending.get(slot.current)?.({ id: slot.current, ok: false, error: `the inference thread died: ${why}` });
      pending.delete(slot.current);
    };
    slot.worker.on('error', (error) => died(error.message));
    slot.worker.on('exit', (code) => died(`exit code ${code}`));
    slot.worker.unref();
    slots.push(slot);
    return slot;
  };
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (!slots.includes(slot)) {
      // The thread died: a waiting task gets a new one.
      if (next) next(spawn());
    } else if (next) next(slot);
    else slot.busy = false;
  };
  const acquire = (): Promise<Slot> => {
    const free = slots.find((slot) => !slot.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (slots.length < size) return Promise.resolve(spawn());
    return new Promise((resolve) => waiting.push(resolve));
  };

  return {
    /** Tasks accepted and not finished (heartbeats report it; > 0 makes the device busy). */
    get running() {
      return running;
    },
    /** Threads alive now. */
    get threads() {
      return slots.length;
    },
    async run(modelPath: string, inputs: Record<string, WireTensor>): Promise<ThreadReply> {
      running++;
      const slot = await acquire();
      try {
        const id = nextId++;
        const reply = new Promise<ThreadReply>((resolve) => pending.set(id, resolve));
        slot.current = id;
        slot.worker.postMessage({ id, modelPath, inputs } satisfies ThreadRequest);
        return await reply;
      } finally {
        slot.current = undefined;
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
