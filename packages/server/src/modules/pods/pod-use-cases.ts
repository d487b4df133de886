/**
 * The pod use-cases within one tenant: create, list, read (a read collects the one-time key), SSH details,
 * the owner's actions with the status machine (409 for an action the status does not allow), and the
 * month's costs. Provider failures answer 503 and leave the pod as it was.
 */
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { PodStatus } from '../../platform/db/schema.js';
import { budgetBlocks } from './engine/budget-check.js';
import { createPod } from './create-pod.js';
import { startPod, stopPod, terminatePod } from './pod-actions.js';
import type { PodContext } from './pod-context.js';
import { monthCosts, monthOf } from './pod-costs.js';
import type { PodRow } from './pod-repository.js';

const conflict = (row: PodRow, action: string, allowed: string) =>
  new ApiProblem(409, 'CONFLICT', `Pod '${row.id}' is ${row.status}; ${action} needs a ${allowed} pod`);

/** A provider failure during an owner's action: 503, the pod unchanged. */
async function atProvider<T>(row: PodRow, action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiProblem) throw error;
    throw new ApiProblem(
      503,
      'PROVIDER_UNAVAILABLE',
      `Could not ${action} pod '${row.id}' at ${row.provider}: ${(error as Error).message}`,
      {
        headers: { 'Retry-After': '5' },
      },
    );
  }
}

export function podUseCases(ctx: PodContext) {
  async function load(tenantId: string, id: string): Promise<PodRow> {
    // Actions wait for the inventory, and so for the lifecycle loop's start-up pass over this node's pods.
    await ctx.ready;
    const row = await ctx.pods.get(tenantId, id);
    if (!row) throw notFound('Pod', id);
    return row;
  }
  async function lab(tenantId: string, labId: string) {
    const found = await ctx.labs.byId(tenantId, labId);
    if (!found) throw notFound('Lab', labId);
    return found;
  }
  /** Moved, or the pod as it is now when a racing request moved it first (then 409). */
  async function after(tenantId: string, row: PodRow, moved: PodRow | undefined, action: string, allowed: string) {
    if (moved) return moved;
    throw conflict(await load(tenantId, row.id), action, allowed);
  }
  const withSpans = async (rows: PodRow[]) => ({ rows, spans: await ctx.pods.spansOf(rows.map((row) => row.id)) });

  async function start(tenantId: string, row: PodRow, action: string) {
    if (await budgetBlocks(ctx, await lab(tenantId, row.labId)))
      throw new ApiProblem(409, 'CONFLICT', `Pod '${row.id}' cannot start: its lab is over its monthly budget`);
    const moved = await atProvider(row, action, () => startPod(ctx, row));
    return after(tenantId, row, moved, action, 'stopped');
  }

  return {
    now: () => ctx.clock(),
    create: (tenantId: string, body: Parameters<typeof createPod>[2]) => createPod(ctx, tenantId, body),
    async list(
      tenantId: string,
      labId: string | undefined,
      status: PodStatus | undefined,
      page: { limit: number; offset: number },
    ) {
      if (labId !== undefined) await lab(tenantId, labId);
      const { rows, total } = await ctx.pods.list(tenantId, labId, status, page);
      return { ...(await withSpans(rows)), total };
    },
    async get(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      if (!row.keyCollectedAt) await ctx.pods.markKeyCollected(row.id, ctx.clock());
      return withSpans([row]);
    },
    async ssh(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      if (row.status !== 'running') throw conflict(row, 'SSH', 'running');
      if (!row.keyCollectedAt) await ctx.pods.markKeyCollected(row.id, ctx.clock());
      return row;
    },
    async start(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      if (row.status !== 'stopped') throw conflict(row, 'start', 'stopped');
      return withSpans([await start(tenantId, row, 'start')]);
    },
    async stop(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      if (row.status !== 'running') throw conflict(row, 'stop', 'running');
      const moved = await atProvider(row, 'stop', () => stopPod(ctx, row, 'user'));
      return withSpans([await after(tenantId, row, moved, 'stop', 'running')]);
    },
    async restart(tenantId: string, id: string) {
      let row = await load(tenantId, id);
      if (row.status !== 'running' && row.status !== 'stopped') throw conflict(row, 'restart', 'running or stopped');
      if (row.status === 'running') {
        const stopped = await atProvider(row, 'restart', () => stopPod(ctx, row, 'restart'));
        row = await after(tenantId, row, stopped, 'restart', 'running or stopped');
        if (row.status !== 'stopped') throw conflict(row, 'restart', 'running or stopped');
      }
      return withSpans([await start(tenantId, row, 'restart')]);
    },
    async terminate(tenantId: string, id: string) {
      const row = await load(tenantId, id);
      if (!['creating', 'running', 'stopped'].includes(row.status))
        throw conflict(row, 'terminate', 'creating, running or stopped');
      const moved = await atProvider(row, 'terminate', () => terminatePod(ctx, row, 'user'));
      return withSpans([await after(tenantId, row, moved, 'terminate', 'creating, running or stopped')]);
    },
    /** Costs of a month over one lab (or all the tenant's labs), per pod, with the forecast. */
    async costs(tenantId: string, labId: string | undefined, monthText: string) {
      if (labId !== undefined) await lab(tenantId, labId);
      const now = ctx.clock();
      const month = monthOf(monthText, now);
      if (!month) throw new ApiProblem(400, 'VALIDATION_ERROR', `month: '${monthText}' is after the current month`);
      const spans = await ctx.pods.spansIn(tenantId, labId, month.start, month.end);
      const rows = await ctx.pods.byIds([...new Set(spans.map((span) => span.podId))]);
      return { labId: labId ?? null, ...monthCosts(rows, spans, month, now) };
    },
  };
}

export type PodUseCases = ReturnType<typeof podUseCases>;
