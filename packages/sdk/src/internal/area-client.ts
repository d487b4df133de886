/**
 * areaClient(): one openapi-fetch client per (SDK client, API area), created on first use and cached,
 * so each area's generated functions share a typed client without a global singleton.
 */
import createFetchClient, { type Client } from 'openapi-fetch';
import type { Computeplane } from '../core/client.js';

const clients = new WeakMap<Computeplane, Map<string, Client<never>>>();

export function areaClient<Paths extends {}>(client: Computeplane, area: string): Client<Paths> {
  let byArea = clients.get(client);
  if (!byArea) clients.set(client, (byArea = new Map()));
  let api = byArea.get(area);
  if (!api) {
    api = createFetchClient<never>({ baseUrl: client.baseUrl, headers: client.headers, fetch: client.fetch });
    byArea.set(area, api);
  }
  return api as unknown as Client<Paths>;
}
