/**
 * The workload ended by itself: its exit code and message are recorded, its container removed (after the
 * OOM count was read from its kept cgroup), its overlays unmounted, its network taken down, and the
 * instance moves to Shutdown. A stop or delete in progress records the exit itself (`busy`).
 */
import type { InstanceContext } from './instance-context.js';
import type { InstanceRow } from './instance-repository.js';

export async function recordExit(ctx: InstanceContext, id: string): Promise<InstanceRow | undefined> {
  const exit = await ctx.runtime.readExit(id);
  if (!exit) return undefined;
  await ctx.runtime.removeContainer(id);
  await ctx.volumeStore.releaseOverlays(id, { remove: false });
  await ctx.network.teardown(id);
  await ctx.runtime.event(id, `exited: ${exit.exitMessage} (code ${exit.exitCode})`);
  return ctx.instances.transition(id, ['Created', 'Initializing', 'Running', 'Paused'], {
    state: 'Shutdown',
    exitCode: exit.exitCode,
    exitMessage: exit.exitMessage,
    stoppedAt: ctx.clock(),
  });
}
