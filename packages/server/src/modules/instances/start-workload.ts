/**
 * Brings an instance's workload up (create, and start from Stopped or Shutdown): the network when enabled,
 * then the container; Running once the runtime started it (Shutdown at once when it already ended). On a
 * failure, what was made goes again: for a create, the whole instance; for a start, the container and
 * network, the instance back where it was, with the reason in the error.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import type { NetworkSetup } from './engine/network/instance-network.js';
import type { InstanceContext } from './instance-context.js';
import type { InstanceRow } from './instance-repository.js';
import type { InstanceState } from './instance-states.js';
import { launch } from './launch.js';
import { recordExit } from './record-exit.js';

export async function startWorkload(
  ctx: InstanceContext,
  row: InstanceRow,
  options: { from: InstanceState[]; onFailure: 'purge' | 'revert' },
): Promise<InstanceRow> {
  try {
    const attachments = await ctx.instances.attachments([row.id]);
    let extra: { env: Record<string, string>; mounts: NetworkSetup['mounts'] } = { env: {}, mounts: [] };
    if (row.spec.network?.enabled) {
      const net = await ctx.network.setup(row);
      extra = net;
      row = (await ctx.instances.update(row.id, { ip: net.ip, mac: net.mac }))!;
    }
    await launch(ctx, row, attachments, extra);
  } catch (error) {
    await ctx.runtime.removeContainer(row.id).catch(() => undefined);
    await ctx.volumeStore.releaseOverlays(row.id, { remove: options.onFailure === 'purge' }).catch(() => undefined);
    await ctx.network.teardown(row.id).catch(() => undefined);
    if (options.onFailure === 'purge') {
      await ctx.runtime.purge(row.id).catch(() => undefined);
      await ctx.instances.delete(row.id);
    }
    if (error instanceof ApiProblem) throw error;
    ctx.logger.error({ err: error, instance: row.id }, 'instance failed to start');
    throw new ApiProblem(500, 'INTERNAL_ERROR', `The instance could not be started: ${(error as Error).message}`);
  }
  const now = ctx.clock();
  await ctx.runtime.event(row.id, 'started');
  const running = await ctx.instances.transition(row.id, options.from, {
    state: 'Running',
    startedAt: now,
    stoppedAt: null,
    exitCode: null,
    exitMessage: null,
    stateError: null,
  });
  ctx.watch(row.id);
  if (ctx.runtime.hasExited(row.id)) return (await recordExit(ctx, row.id)) ?? running ?? row;
  return running ?? row;
}
