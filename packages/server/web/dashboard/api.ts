/** Calls to the platform's API with the API key kept in session storage (never persisted beyond the tab). */
const KEY = 'computeplane.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GET `/api/v1<path>` as JSON. */
export async function get<T>(path: string): Promise<T> {
  const response = await fetch(`/api/v1${path}`, { headers: { 'X-API-Key': apiKey.get() ?? '' } });
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new ApiFailure(response.status, body.error?.message ?? `HTTP ${response.status}`);
  return body as T;
}

/**
 * Reads a project's SSE stream with fetch (EventSource cannot send the key as a header); calls `onEvent`
 * per event until the stream ends or `signal` aborts.
 */
export async function stream(
  path: string,
  onEvent: (event: string, data: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(`/api/v1${path}`, { headers: { 'X-API-Key': apiKey.get() ?? '' }, signal });
  if (!response.ok || !response.body) throw new ApiFailure(response.status, `stream: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).replace(/^ /, '');
      }
      onEvent(event, data);
    }
  }
}
