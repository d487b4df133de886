/**
 * The lifecycle actions. Each first checks the state table (`actionPath`: 409 `invalid_state` naming the
 * states it needs), then acts on the runtime, then moves the row with a conditional update on the state it
 * came from, so two requests can never both move an instance.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import type { InstanceContext } from './instance-context.js';
import type { InstanceRow } from './instance-repository.js';
import { actionPath, allowedFrom, type InstanceAction, type InstanceState } from './instance-states.js';
import { startWorkload } from './start-workload.js';

const STOP_GRACE_MS = 10_000;

export function checkAction(row: InstanceRow, action: InstanceAction): InstanceState[] {
  const path = actionPath(action, row.state as InstanceState);
  if (!path)
    throw new ApiProblem(
      409,
      'INVALID_STATE',
      `Instance '${row.name}' is ${row.state}; ${action} needs ${allowedFrom(action).join(' or ')}`,
    );
  return path;
}

const moved = (row: InstanceRow) =>
  new ApiProblem(409, 'INVALID_STATE', `Instance '${row.name}' changed state while this request ran; read it again`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends the workload: SIGTERM, SIGKILL after the grace; answers its exit (if it had one). */
async function endWorkload(ctx: InstanceContext, row: InstanceRow) {
  const status = await ctx.runtime.status(row.id);
  if (status === 'paused') await ctx.runtime.resume(row.id).catch(() => undefined);
  if (status === 'running' || status === 'paused') {
    await ctx.runtime.signal(row.id, 'TERM').catch(() => undefined);
    for (let waited = 0; waited < STOP_GRACE_MS && !ctx.runtime.hasExited(row.id); waited += 100) await sleep(100);
    if (!ctx.runtime.hasExited(row.id)) await ctx.runtime.signal(row.id, 'KILL').catch(() => undefined);
    for (let waited = 0; waited < 5_000 && !ctx.runtime.hasExited(row.id); waited += 50) await sleep(50);
  }
  const exit = await ctx.runtime.readExit(row.id);
  await ctx.runtime.removeContainer(row.id);
  await ctx.volumeStore.releaseOverlays(row.id, { remove: false });
  await ctx.network.teardown(row.id);
  return exit;
}

export function instanceActions(ctx: InstanceContext) {
  const exclusive = async <T>(id: string, work: () => Promise<T>): Promise<T> => {
    if (ctx.busy.has(id)) throw new ApiProblem(409, 'INVALID_STATE', `Instance '${id}' is being stopped or deleted`);
    ctx.busy.add(id);
    try {
      return await work();
    } finally {
      ctx.busy.delete(id);
    }
  };
  return {
    async start(row: InstanceRow) {
      const path = checkAction(row, 'start');
      return exclusive(row.id, async () => {
        if (path[0] === 'Created') {
          const created = await ctx.instances.transition(row.id, [row.state as InstanceState], { state: 'Created' });
          if (!created) throw moved(row);
          row = created;
        }
        try {
          return await startWorkload(ctx, row, { from: [row.state as InstanceState], onFailure: 'revert' });
        } catch (error) {
          if (path[0] === 'Created') await ctx.instances.transition(row.id, ['Created'], { state: 'Stopped' });
          throw error;
        }
      });
    },
    async stop(row: InstanceRow) {
      checkAction(row, 'stop');
      return exclusive(row.id, async () => {
        const exit = await endWorkload(ctx, row);
        await ctx.runtime.event(row.id, 'stopped');
        const stopped = await ctx.instances.transition(
          row.id,
          [row.state as InstanceState, 'Running', 'Paused', 'Shutdown'],
          {
            state: 'Stopped',
            stoppedAt: ctx.clock(),
            ...(exit ? { exitCode: exit.exitCode, exitMessage: exit.exitMessage } : {}),
          },
        );
        if (!stopped) throw moved(row);
        return stopped;
      });
    },
    async pause(row: InstanceRow) {
      checkAction(row, 'pause');
      await ctx.runtime.pause(row.id);
      await ctx.runtime.event(row.id, 'paused');
      const paused = await ctx.instances.transition(row.id, ['Running'], { state: 'Paused' });
      if (!paused) throw moved(row);
      return paused;
    },
    async resume(row: InstanceRow) {
      checkAction(row, 'resume');
      await ctx.runtime.resume(row.id);
      await ctx.runtime.event(row.id, 'resumed');
      const running = await ctx.instances.transition(row.id, ['Paused'], { state: 'Running' });
      if (!running) throw moved(row);
      return running;
    },
    /** Paused → Standby with CRIU; where CRIU cannot checkpoint, a 422 with its reason and the instance stays Paused. */
    async standby(row: InstanceRow) {
      checkAction(row, 'standby');
      try {
        await ctx.runtime.checkpoint(row.id);
      } catch (error) {
        await ctx.runtime.event(row.id, `standby failed: ${(error as Error).message}`);
        throw new ApiProblem(
          422,
          'STANDBY_UNAVAILABLE',
          `CRIU cannot checkpoint instances on this host, so standby is unavailable; the instance stays Paused (${(error as Error).message})`,
        );
      }
      const standby = await ctx.instances.transition(row.id, ['Paused'], { state: 'Standby', stoppedAt: ctx.clock() });
      if (!standby) throw moved(row);
      return standby;
    },
    /** Standby is never reached on a host where CRIU cannot checkpoint; from any other state this is a 409. */
    async restore(row: InstanceRow) {
      checkAction(row, 'restore');
      throw new ApiProblem(
        422,
        'STANDBY_UNAVAILABLE',
        'Restoring a checkpoint needs CRIU, which cannot restore on this host',
      );
    },
    async fork(row: InstanceRow) {
      if (row.state !== 'Standby')
        throw new ApiProblem(409, 'INVALID_STATE', `Instance '${row.name}' is ${row.state}; fork needs Standby`);
      throw new ApiProblem(
        422,
        'STANDBY_UNAVAILABLE',
        'Forking a checkpoint needs CRIU, which cannot restore on this host',
      );
    },
    async remove(row: InstanceRow) {
      return exclusive(row.id, async () => {
        await endWorkload(ctx, row);
        await ctx.volumeStore.releaseOverlays(row.id, { remove: true });
        await ctx.runtime.purge(row.id);
        await ctx.network.release(row.id);
        await ctx.instances.delete(row.id);
      });
    },
  };
}

export type InstanceActions = ReturnType<typeof instanceActions>;
