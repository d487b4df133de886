/**
 * A container's cgroup figures through `runc events --stats` (one JSON event: `data.cpu.usage.total` in
 * nanoseconds, `data.pids.current`), so the caller never needs to know the cgroup version or its paths.
 */
import type { ContainerStats } from '../../container-driver.js';
import { list } from './destroy.js';
import { runc, type RuncContext } from './run-runc.js';

interface StatsEvent {
  data?: { cpu?: { usage?: { total?: number } }; pids?: { current?: number } };
}

export async function stats(ctx: RuncContext, id: string): Promise<ContainerStats | undefined> {
  if (!(await list(ctx)).some((container) => container.id === id && container.status === 'running')) return undefined;
  const event = JSON.parse(await runc(ctx, ['events', '--stats', id], { stdout: true })) as StatsEvent;
  const cpuNanos = event.data?.cpu?.usage?.total;
  const pids = event.data?.pids?.current;
  if (typeof cpuNanos !== 'number' || typeof pids !== 'number') return undefined;
  return { cpuNanos, pids };
}
