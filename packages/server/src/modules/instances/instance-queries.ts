/** Reading instances: get, list with filters, wait for a state, stats from the cgroup and the interface. */
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import { parseDuration } from './human-values.js';
import type { InstanceContext } from './instance-context.js';
import type { InstanceRow } from './instance-repository.js';
import type { InstanceState } from './instance-states.js';
import { toInstance } from './instance-view.js';

const MAX_WAIT_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function instanceQueries(ctx: InstanceContext) {
  const find = async (tenantId: string, idOrName: string): Promise<InstanceRow> => {
    const row = await ctx.instances.get(tenantId, idOrName);
    if (!row) throw notFound('Instance', idOrName);
    return row;
  };
  const view = async (row: InstanceRow) => toInstance(row, await ctx.instances.attachments([row.id]));
  return {
    find,
    view,
    async list(tenantId: string, filters: { state?: InstanceState; tags: Record<string, string> }) {
      const rows = (await ctx.instances.list(tenantId, filters.state)).filter((row) =>
        Object.entries(filters.tags).every(([key, value]) => row.tags[key] === value),
      );
      const attachments = await ctx.instances.attachments(rows.map((row) => row.id));
      return rows.map((row) =>
        toInstance(
          row,
          attachments.filter((a) => a.instanceId === row.id),
        ),
      );
    },
    /** Blocks until `state` or the timeout; a timeout is an answer, not an error. */
    async wait(tenantId: string, idOrName: string, state: InstanceState, timeout: string, signal: AbortSignal) {
      const ms = parseDuration(timeout);
      if (ms === null)
        throw new ApiProblem(
          400,
          'VALIDATION_ERROR',
          `query.timeout must be a duration such as 60s, 1m30s or 500ms; got '${timeout}'`,
        );
      if (ms > MAX_WAIT_MS) throw new ApiProblem(400, 'VALIDATION_ERROR', 'query.timeout may be at most 5m');
      let row = await find(tenantId, idOrName);
      const deadline = Date.now() + ms;
      while (row.state !== state && Date.now() < deadline && !signal.aborted) {
        await sleep(Math.min(100, Math.max(0, deadline - Date.now())));
        const next = await ctx.instances.byId(row.id);
        if (!next) throw notFound('Instance', idOrName);
        row = next;
      }
      return {
        state: row.state as InstanceState,
        timed_out: row.state !== state,
        ...(row.stateError ? { state_error: row.stateError } : {}),
      };
    },
    async stats(row: InstanceRow) {
      if (!['Running', 'Paused', 'Created', 'Initializing'].includes(row.state))
        throw new ApiProblem(
          409,
          'INVALID_STATE',
          `Instance '${row.name}' is ${row.state}; stats need a running workload`,
        );
      const number = (controller: string, file: string) => ctx.runtime.cgroupNumber(row.id, controller, file);
      return {
        instance_id: row.id,
        cpu_usage_seconds: (await number('cpuacct', 'cpuacct.usage')) / 1e9,
        memory_usage_bytes: await number('memory', 'memory.usage_in_bytes'),
        memory_limit_bytes: await number('memory', 'memory.limit_in_bytes'),
        pids: await number('pids', 'pids.current'),
        network: await ctx.network.counters(row.id),
      };
    },
  };
}

export type InstanceQueries = ReturnType<typeof instanceQueries>;
