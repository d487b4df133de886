/**
 * The project stream (SSE): the project's stats every `interval` ms until it ends or the client goes.
 * One event is written only after the previous one was taken, so a slow client gets fewer, fresher
 * updates and never a backlog; a write that is not taken within the write timeout closes the stream, and
 * a client that goes stops the loop at once. The tenant's stream slot is given back however it ends.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { ProjectView } from '../projects/module.js';
import { projectLine } from './project-line.js';

export interface StreamOptions {
  format: 'json' | 'text';
  intervalMs: number;
  /** The last event id the client saw (a reconnect); numbering continues after it. */
  lastEventId: number;
  writeTimeoutMs: number;
  read: () => Promise<ProjectView | undefined>;
  release: () => void;
}

const timedOut = Symbol('timed out');

async function write(stream: SSEStreamingApi, event: Parameters<SSEStreamingApi['writeSSE']>[0], timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    stream.writeSSE(event).then(() => true),
    new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  return outcome !== timedOut;
}

export function projectStream(c: Context, options: StreamOptions) {
  return streamSSE(c, async (stream) => {
    let wake: (() => void) | undefined;
    stream.onAbort(() => wake?.());
    let id = options.lastEventId;
    try {
      while (!stream.aborted) {
        const project = await options.read();
        if (!project || stream.aborted) break;
        const data = options.format === 'json' ? JSON.stringify(project) : projectLine(project);
        const taken = await write(
          stream,
          { id: String(++id), event: 'stats', data, retry: options.intervalMs },
          options.writeTimeoutMs,
        );
        if (!taken) break;
        if (project.status !== 'active') {
          await write(stream, { id: String(++id), event: 'end', data: project.status }, options.writeTimeoutMs);
          break;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, options.intervalMs).unref();
        });
      }
    } finally {
      options.release();
      if (!stream.aborted) stream.abort();
      await stream.close().catch(() => undefined);
    }
  });
}
