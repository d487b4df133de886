import { describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.js';
import { paginate } from './paginate.js';
import { pollUntil } from './poll.js';
import type { ApiResult } from './api-result.js';

const ok = <T>(data: T): ApiResult<T> => ({ data, response: new Response(), requestId: undefined });

describe('paginate', () => {
  it('walks every page lazily until total', async () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    const pages: { limit: number; offset: number }[] = [];
    const iterator = paginate(
      async (page) => {
        pages.push(page);
        return ok({ items: items.slice(page.offset, page.offset + page.limit), total: items.length });
      },
      (body) => body.items,
      { pageSize: 3 },
    );
    const seen: number[] = [];
    for await (const item of iterator) seen.push(item);
    expect(seen).toEqual(items);
    expect(pages).toEqual([
      { limit: 3, offset: 0 },
      { limit: 3, offset: 3 },
      { limit: 3, offset: 6 },
    ]);
  });

  it('throws the error of a failed page', async () => {
    const failing = paginate(
      async () => ({ error: new NotFoundError(404, {}, new Headers()), response: undefined, requestId: undefined }),
      () => [],
    );
    await expect(failing.next()).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('pollUntil', () => {
  it('polls with backoff until the condition holds', async () => {
    let calls = 0;
    const result = await pollUntil(
      async () => ok({ status: ++calls < 3 ? 'running' : 'completed' }),
      (job) => job.status === 'completed',
      { intervalMs: 1 },
    );
    expect(result.status).toBe('completed');
    expect(calls).toBe(3);
  });

  it('gives up at the deadline and honours an abort signal', async () => {
    await expect(
      pollUntil(
        async () => ok({ done: false }),
        (d) => d.done,
        { intervalMs: 5, timeoutMs: 30 },
      ),
    ).rejects.toThrow(/within 30 ms/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(
      pollUntil(
        async () => ok({ done: false }),
        (d) => d.done,
        { intervalMs: 5, signal: controller.signal },
      ),
    ).rejects.toThrow(/aborted/);
  });
});
