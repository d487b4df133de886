/** Create, list, get, update, delete; logs (SSE), wait and stats. */
import { streamSSE } from 'hono/streaming';
import type { routes } from '../../../generated/routes/instances.js';
import { tenantOf } from '../../../platform/auth/principal.js';
import type { Handlers } from '../../../platform/http/register-routes.js';
import { createInstance } from '../create-instance.js';
import type { ImageUseCases } from '../images.js';
import type { InstanceActions } from '../instance-actions.js';
import type { InstanceContext } from '../instance-context.js';
import { instanceLogLines } from '../instance-logs.js';
import type { InstanceQueries } from '../instance-queries.js';
import { updateInstanceEnv } from '../update-instance.js';
import type { VolumeUseCases } from '../volumes/volume-use-cases.js';

export interface InstancesAreaDeps {
  ctx: InstanceContext;
  queries: InstanceQueries;
  actions: InstanceActions;
  volumes: VolumeUseCases;
  images: ImageUseCases;
  /** Puts a patched instance's credentials in the egress proxy's registry. */
  rotate: (row: Parameters<InstanceQueries['view']>[0]) => void;
}

type R = typeof routes;

/** `tags[key]=value` query parameters (every one must match). */
function tagFilters(url: string): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const [key, value] of new URL(url).searchParams) {
    const match = /^tags\[(.+)\]$/.exec(key);
    if (match) filters[match[1]!] = value;
  }
  return filters;
}

export function instanceHandlers(
  deps: InstancesAreaDeps,
): Pick<
  Handlers<R>,
  | 'createInstance'
  | 'listInstances'
  | 'getInstance'
  | 'updateInstance'
  | 'deleteInstance'
  | 'streamInstanceLogs'
  | 'waitForInstanceState'
  | 'getInstanceStats'
> {
  const { ctx, queries } = deps;
  const tenant = (c: { get(key: 'principal'): Parameters<typeof tenantOf>[0] }) => tenantOf(c.get('principal'));
  return {
    createInstance: async (c) => {
      const row = await createInstance(ctx, tenant(c), c.req.valid('json'));
      return c.json(await queries.view(row), 201);
    },
    listInstances: async (c) => {
      const { state } = c.req.valid('query');
      return c.json(await queries.list(tenant(c), { ...(state ? { state } : {}), tags: tagFilters(c.req.url) }), 200);
    },
    getInstance: async (c) => c.json(await queries.view(await queries.find(tenant(c), c.req.valid('param').id)), 200),
    updateInstance: async (c) => {
      const row = await queries.find(tenant(c), c.req.valid('param').id);
      return c.json(await queries.view(await updateInstanceEnv(ctx, row, c.req.valid('json').env, deps.rotate)), 200);
    },
    deleteInstance: async (c) => {
      await deps.actions.remove(await queries.find(tenant(c), c.req.valid('param').id));
      return c.body(null, 204);
    },
    streamInstanceLogs: async (c) => {
      const row = await queries.find(tenant(c), c.req.valid('param').id);
      const { source, tail, follow } = c.req.valid('query');
      const signal = c.req.raw.signal;
      return streamSSE(c, async (stream) => {
        for await (const line of instanceLogLines(ctx, row, { source, tail, follow, signal }))
          await stream.writeSSE({ data: JSON.stringify(line) });
      }) as never;
    },
    waitForInstanceState: async (c) => {
      const { state, timeout } = c.req.valid('query');
      return c.json(await queries.wait(tenant(c), c.req.valid('param').id, state, timeout, c.req.raw.signal), 200);
    },
    getInstanceStats: async (c) =>
      c.json(await queries.stats(await queries.find(tenant(c), c.req.valid('param').id)), 200),
  };
}
