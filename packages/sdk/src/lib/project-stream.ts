/**
 * `streamProjectEvents(client, projectId, query?, options?)` (`@computeplane/sdk/dashboard`): the project
 * stream (GET /api/v1/dashboard/projects/{id}/stream) read event by event as the server sends them, for
 * live views. The generated streamProject() parses the body as text, so it answers only once the stream
 * has ended. The client's timeout applies to the connection (until the response headers arrive), not to
 * the stream; `options.signal` ends the stream. A refused stream throws its typed ApiError (404, 429, ...).
 */
import {
  AbortedError,
  ConnectionError,
  TimeoutError,
  errorFromResponse,
  type Computeplane,
  type RequestOptions,
} from '../core/index.js';

export interface ProjectStreamEvent {
  /** The event id (`Last-Event-ID` on a reconnect continues after it). */
  id?: string;
  /** `stats` (data: the project as JSON, or one line of ANSI text) or `end` (data: the final status). */
  event: string;
  data: string;
}

export interface ProjectStreamQuery {
  format?: 'json' | 'text';
  /** Update interval in ms (100 to 60000; server default 2000). */
  interval?: number;
  /** Continue the numbering after this event id (a reconnect). */
  lastEventId?: string;
}

export async function* streamProjectEvents(
  client: Computeplane,
  projectId: string,
  query: ProjectStreamQuery = {},
  options: Omit<RequestOptions, 'maxRetries' | 'idempotencyKey'> = {},
): AsyncGenerator<ProjectStreamEvent, void, undefined> {
  const url = new URL(`${client.baseUrl}/api/v1/dashboard/projects/${encodeURIComponent(projectId)}/stream`);
  if (query.format) url.searchParams.set('format', query.format);
  if (query.interval !== undefined) url.searchParams.set('interval', String(query.interval));
  const headers: Record<string, string> = { ...client.headers, ...options.headers, Accept: 'text/event-stream' };
  if (query.lastEventId !== undefined) headers['Last-Event-ID'] = query.lastEventId;
  const timeoutMs = options.timeoutMs ?? client.timeoutMs;
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, connect.signal]) : connect.signal;
  let response: Response;
  try {
    response = await client.fetch(url, { headers, signal });
  } catch (error) {
    if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
    if (connect.signal.aborted)
      throw new TimeoutError(`GET ${url.href} timed out after ${timeoutMs} ms`, { cause: error });
    throw new ConnectionError(`GET ${url.href} failed: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text is the message
    }
    throw errorFromResponse(response.status, body, response.headers);
  }
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
        throw new ConnectionError(`GET ${url.href}: the stream broke: ${describe(error)}`, { cause: error });
      }
      if (chunk.done) return;
      buffer += chunk.value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** One SSE block (https://html.spec.whatwg.org/multipage/server-sent-events.html): `data` lines joined by \n. */
function parseEvent(block: string): ProjectStreamEvent | undefined {
  const event: ProjectStreamEvent = { event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  event.data = data.join('\n');
  return event;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
