/**
 * paginate(): async iteration over every item of a limit/offset list endpoint, fetching pages lazily.
 *
 *   for await (const model of paginate((page) => listModels(client, { params: { query: page } }), (body) => body.models)) { ... }
 */
import type { ApiResult } from './api-result.js';

export interface Page {
  limit: number;
  offset: number;
}

export async function* paginate<Body extends { total: number }, Item>(
  fetchPage: (page: Page) => Promise<ApiResult<Body>>,
  items: (body: Body) => Item[],
  { pageSize = 100, offset = 0 }: { pageSize?: number; offset?: number } = {},
): AsyncGenerator<Item, void, undefined> {
  for (let next = offset; ;) {
    const result = await fetchPage({ limit: pageSize, offset: next });
    if (result.error) throw result.error;
    const page = items(result.data);
    yield* page;
    next += page.length;
    if (page.length === 0 || next >= result.data.total) return;
  }
}
