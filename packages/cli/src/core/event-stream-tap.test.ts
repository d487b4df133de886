/** withEventStreamTap: each event's data reaches onData as the bytes arrive, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { createClient } from '@computeplane/sdk';
import { withEventStreamTap } from './event-stream-tap.js';

function streamOf(chunks: string[], contentType = 'text/event-stream', status = 200) {
  const encoder = new TextEncoder();
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
          controller.close();
        },
      }),
      { status, headers: { 'content-type': contentType } },
    );
}

describe('withEventStreamTap', () => {
  it('hands over every data payload, across chunk boundaries, CRLF lines and a last event without a blank line', async () => {
    const seen: string[] = [];
    const client = createClient({
      baseUrl: 'http://example.test',
      fetch: streamOf(['data: "one"\n\nda', 'ta: "tw', 'o"\r\n\r\n: comment\n\nevent: x\ndata: "th', 'ree"']),
    });
    const response = await withEventStreamTap(client, (data) => seen.push(data)).fetch('http://example.test/logs');
    // The body still reaches the caller unchanged.
    expect(await response.text()).toBe('data: "one"\n\ndata: "two"\r\n\r\n: comment\n\nevent: x\ndata: "three"');
    expect(seen).toEqual(['"one"', '"two"', '"three"']);
  });

  it('leaves other answers alone', async () => {
    const seen: string[] = [];
    for (const fetch of [
      streamOf(['data: "x"\n\n'], 'application/json'),
      streamOf(['data: "x"\n\n'], 'text/event-stream', 404),
    ]) {
      const client = withEventStreamTap(createClient({ baseUrl: 'http://example.test', fetch }), (data) =>
        seen.push(data),
      );
      await (await client.fetch('http://example.test/logs')).text();
    }
    expect(seen).toEqual([]);
  });
});
