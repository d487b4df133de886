/**
 * Usage and billing use-cases: a tenant's totals, a project's, the last hours hour by hour, every tenant's
 * (admin), and per SDK device over the rolling 3-day window (internal). Reads flush this process's
 * buffered task records first, so what it just ran is included.
 */
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { UsageSettings } from '../../platform/settings.js';
import { hourOf } from '../../platform/usage/index.js';
import { formatHour, parseHour } from './hour-format.js';
import type { ProjectRepository } from './project-repository.js';
import { usageFigures } from './usage-figures.js';
import type { GroupedSums, UsageRepository } from './usage-repository.js';

const HOUR_MS = 3_600_000;
/** The internal API's rolling window: the current hour and the 72 before it. */
const WINDOW_HOURS = 72;

export function usageUseCases(deps: {
  usage: UsageRepository;
  projects: ProjectRepository;
  prices: UsageSettings;
  clock: () => Date;
  flush: () => Promise<void>;
}) {
  const { usage, prices } = deps;
  const summary = (group: GroupedSums | undefined) => ({
    first_hour: group?.firstHour ? formatHour(group.firstHour) : null,
    last_hour: group?.lastHour ? formatHour(group.lastHour) : null,
    usage: usageFigures(group?.sums ?? [], prices),
  });

  async function perDevice(query: { from: string; to?: string }, outcome: 'ok' | 'failed') {
    await deps.flush();
    const current = hourOf(deps.clock());
    const to = query.to !== undefined ? parseHour(query.to, 'to') : current;
    const requested = parseHour(query.from, 'from');
    if (requested > to)
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `query.from (${query.from}) is after query.to (${formatHour(to)})`,
        {
          details: [{ path: 'query.from', message: 'must not be after to' }],
        },
      );
    const earliest = new Date(current.getTime() - WINDOW_HOURS * HOUR_MS);
    const from = requested < earliest ? earliest : requested;
    const rows = from > to ? [] : await usage.perDevice(from, to, outcome);
    const byKey = new Map<
      string,
      { uuid: string; hour: string; cpu_ms: number; gpu_ms: number; cpu_tasks: number; gpu_tasks: number }
    >();
    for (const row of rows) {
      const key = `${row.hour}\u0000${row.uuid}`;
      const entry = byKey.get(key) ?? {
        uuid: row.uuid,
        hour: row.hour,
        cpu_ms: 0,
        gpu_ms: 0,
        cpu_tasks: 0,
        gpu_tasks: 0,
      };
      entry[row.processor === 'gpu' ? 'gpu_ms' : 'cpu_ms'] += Math.round(Number(row.ms));
      entry[row.processor === 'gpu' ? 'gpu_tasks' : 'cpu_tasks'] += Number(row.tasks);
      byKey.set(key, entry);
    }
    return { from: formatHour(from), to: formatHour(to), data: [...byKey.values()] };
  }

  return {
    async tenant(tenantId: string) {
      await deps.flush();
      const [group] = await usage.tenant(tenantId);
      return { tenant_id: tenantId, ...summary(group) };
    },
    async project(tenantId: string, projectId: string) {
      await deps.flush();
      if (!(await deps.projects.get(tenantId, projectId))) throw notFound('Project', projectId);
      const [group] = await usage.project(tenantId, projectId);
      return { tenant_id: tenantId, project_id: projectId, ...summary(group) };
    },
    async hourly(tenantId: string, hours: number) {
      await deps.flush();
      const current = hourOf(deps.clock());
      const from = new Date(current.getTime() - (hours - 1) * HOUR_MS);
      const groups = new Map((await usage.hourly(tenantId, from)).map((g) => [g.key, g]));
      const data = Array.from({ length: hours }, (_, i) => {
        const hour = formatHour(new Date(from.getTime() + i * HOUR_MS));
        return { hour, usage: usageFigures(groups.get(hour)?.sums ?? [], prices) };
      });
      return { hours, data };
    },
    async all() {
      await deps.flush();
      const groups = await usage.perTenant();
      const names = new Map((await usage.tenantNames(groups.map((g) => g.key!))).map((t) => [t.id, t.name] as const));
      return {
        customers: groups.map((g) => ({ tenant_id: g.key!, tenant_name: names.get(g.key!) ?? '', ...summary(g) })),
        totals: usageFigures(
          groups.flatMap((g) => g.sums),
          prices,
        ),
      };
    },
    successes: (query: { from: string; to?: string }) => perDevice(query, 'ok'),
    errors: (query: { from: string; to?: string }) => perDevice(query, 'failed'),
  };
}

export type UsageUseCases = ReturnType<typeof usageUseCases>;
