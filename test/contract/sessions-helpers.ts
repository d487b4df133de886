/** The sessions SDK area plus a small poller for tests that wait on a status code or a condition. */
import type { ApiResult } from '@computeplane/sdk';
export * from '@computeplane/sdk/sessions';

/** Polls `call` until it answers `status` (and `done` holds for its body); returns the body. */
export async function pollUntilStatus<T>(
  call: () => Promise<ApiResult<T>>,
  status: number,
  done: (body: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await call();
    const body = (result.data ?? (result.error as { body?: unknown } | undefined)?.body) as T;
    if (result.response?.status === status && done(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`still ${result.response?.status} ${JSON.stringify(body)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
