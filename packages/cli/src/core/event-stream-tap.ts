/**
 * Server-Sent Events as they arrive: a client whose fetch hands each event's `data:` payload to `onData` while
 * the SDK call is still reading the body (the SDK returns the whole text only at the end), so a followed
 * stream prints line by line. Only 2xx `text/event-stream` answers are tapped.
 */
import type { Computeplane } from '@computeplane/sdk';

export function withEventStreamTap(client: Computeplane, onData: (data: string) => void): Computeplane {
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await client.fetch(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body || !type.startsWith('text/event-stream')) return response;
    const decoder = new TextDecoder();
    let pending = '';
    let data: string[] = [];
    const take = (line: string) => {
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (text === '') {
        if (data.length > 0) onData(data.join('\n'));
        data = [];
      } else if (text.startsWith('data:')) data.push(text.slice(text.startsWith('data: ') ? 6 : 5));
    };
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending += decoder.decode(chunk, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) take(line);
        controller.enqueue(chunk);
      },
      flush() {
        pending += decoder.decode();
        if (pending !== '') take(pending);
        take('');
      },
    });
    return new Response(response.body.pipeThrough(tap), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return Object.freeze({ ...client, fetch });
}
