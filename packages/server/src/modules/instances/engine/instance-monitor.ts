/**
 * Watches the workloads of this node: every half second, an instance whose exit file appeared is recorded
 * (recordExit). At start-up it finds every instance this node had live: a container still running or
 * paused is watched again (re-attached), one that ended while the server was down is recorded with its
 * exit, and one whose container is gone without an exit (the host restarted, or it was removed outside
 * the server) is marked Unknown with the reason, honestly.
 */
import type { InstanceContext } from '../instance-context.js';
import { recordExit } from '../record-exit.js';

const TICK_MS = 500;

export function createInstanceMonitor(getContext: () => InstanceContext) {
  const watched = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;

  async function tick() {
    if (ticking) return;
    ticking = true;
    const ctx = getContext();
    try {
      for (const id of [...watched]) {
        if (ctx.busy.has(id)) continue;
        const row = await ctx.instances.byId(id);
        if (!row || !['Created', 'Initializing', 'Running', 'Paused'].includes(row.state)) {
          watched.delete(id);
          continue;
        }
        if (ctx.runtime.hasExited(id)) {
          watched.delete(id);
          await recordExit(ctx, id).catch((error: unknown) =>
            ctx.logger.error({ err: error, instance: id }, 'recording an exit failed'),
          );
        }
      }
    } finally {
      ticking = false;
    }
  }

  return {
    watch: (id: string) => watched.add(id),
    /** Re-attaches to what this node ran before a restart; answers how many instances it found. */
    async reattach(): Promise<{ watching: number; exited: number; unknown: number }> {
      const ctx = getContext();
      const counts = { watching: 0, exited: 0, unknown: 0 };
      for (const row of await ctx.instances.onNode(ctx.nodeId, ['Created', 'Initializing', 'Running', 'Paused'])) {
        if (ctx.runtime.hasExited(row.id)) {
          await recordExit(ctx, row.id);
          counts.exited++;
          continue;
        }
        const status = await ctx.runtime.status(row.id);
        if (status === 'running' || status === 'paused') {
          await ctx.instances.transition(row.id, [row.state as 'Running'], {
            state: status === 'paused' ? 'Paused' : 'Running',
          });
          watched.add(row.id);
          counts.watching++;
          continue;
        }
        await ctx.instances.transition(row.id, [row.state as 'Running'], {
          state: 'Unknown',
          stateError: `The container was gone when the server restarted (runc reports ${status ?? 'no container'}, no exit was recorded): the host restarted or it was removed outside the server`,
        });
        counts.unknown++;
      }
      return counts;
    },
    start() {
      timer ??= setInterval(() => void tick(), TICK_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
