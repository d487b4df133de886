/** streamProjectEvents(): SSE events as they arrive, typed errors for a refused stream, the signal ends it. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../core/client.js';
import { AbortedError, NotFoundError } from '../core/errors.js';
import { streamProjectEvents } from './project-stream.js';

/** A response whose body is written chunk by chunk by the test. */
function pushedBody() {
  let push!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (controller) => void (push = controller) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }),
    write: (text: string) => push.enqueue(encoder.encode(text)),
    end: () => push.close(),
  };
}

describe('streamProjectEvents', () => {
  it('yields each event as soon as its block is complete, with the query and headers sent', async () => {
    const body = pushedBody();
    const requests: Request[] = [];
    const client = createClient({
      baseUrl: 'http://api.test',
      apiKey: 'k',
      fetch: async (input, init) => {
        requests.push(new Request(input, init));
        return body.response;
      },
    });
    const events = streamProjectEvents(client, 'proj a', { format: 'text', interval: 100, lastEventId: '4' });
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    body.write('id: 5\nevent: stats\ndata: one\r\n\r\nid: 6\nevent: st');
    expect(await first).toEqual({ done: false, value: { id: '5', event: 'stats', data: 'one' } });
    const second = events.next();
    body.write('ats\ndata: a\ndata: b\nretry: 100\n\n: comment\n\n');
    expect(await second).toEqual({ done: false, value: { id: '6', event: 'stats', data: 'a\nb' } });
    body.write('id: 7\nevent: end\ndata: completed\n\n');
    body.end();
    expect((await events.next()).value).toEqual({ id: '7', event: 'end', data: 'completed' });
    expect((await events.next()).done).toBe(true);
    const sent = requests[0]!;
    expect(sent.url).toBe('http://api.test/api/v1/dashboard/projects/proj%20a/stream?format=text&interval=100');
    expect(sent.headers.get('x-api-key')).toBe('k');
    expect(sent.headers.get('last-event-id')).toBe('4');
  });

  it('throws the typed API error of a refused stream', async () => {
    const client = createClient({
      baseUrl: 'http://api.test',
      fetch: async () =>
        new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no project' } }), {
          status: 404,
          headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req_1' },
        }),
    });
    const error = await streamProjectEvents(client, 'p')
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', requestId: 'req_1' });
  });

  it('ends with AbortedError when the signal aborts mid-stream, and applies the timeout only to connecting', async () => {
    const controller = new AbortController();
    const client = createClient({
      baseUrl: 'http://api.test',
      timeoutMs: 20,
      fetch: async (_input, init) => {
        const signal = init!.signal!;
        const body = new ReadableStream<Uint8Array>({
          start(stream) {
            stream.enqueue(new TextEncoder().encode('event: stats\ndata: x\n\n'));
            signal.addEventListener('abort', () => stream.error(signal.reason));
          },
        });
        return new Response(body);
      },
    });
    const events = streamProjectEvents(client, 'p', {}, { signal: controller.signal });
    expect((await events.next()).value).toMatchObject({ data: 'x' });
    const pending = events.next();
    await new Promise((resolve) => setTimeout(resolve, 60)); // past the 20 ms timeout: still open
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });
});
