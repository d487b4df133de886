/**
 * The pods' lifecycle loop, on any replica: each tick claims due pods and labs (FOR UPDATE SKIP LOCKED,
 * so replicas share the work without doing any twice) and checks them. `start()` first makes this node's
 * local pods due (their containers ended with an earlier process); `stop()` stops this node's running local
 * pods, whose containers end with this process, so their compute time ends with it.
 */
import { addMs, type PodContext } from '../pod-context.js';
import { stopPod } from '../pod-actions.js';
import { checkBudget } from './budget-check.js';
import { checkPod } from './pod-checks.js';

const BATCH = 20;

export function createPodLoop(ctx: PodContext) {
  let state: 'starting' | 'running' | 'stopped' = 'starting';
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let again = false;
  const localPrefix = () => ctx.providers.get('local')?.instanceIdPrefix;

  async function tickOnce(): Promise<void> {
    for (;;) {
      const now = ctx.clock();
      const due = await ctx.pods.claimDue(now, addMs(now, 30_000), BATCH, localPrefix());
      await Promise.all(
        due.map((row) =>
          checkPod(ctx, row).catch((error) =>
            ctx.logger.error({ pod_id: row.id, err: error }, 'pod check failed; retried on a later tick'),
          ),
        ),
      );
      if (due.length < BATCH) break;
    }
    for (;;) {
      const now = ctx.clock();
      const labs = await ctx.labs.claimBudgetDue(now, addMs(now, ctx.settings.budgetCheckMs), BATCH);
      for (const lab of labs)
        await checkBudget(ctx, lab).catch((error) =>
          ctx.logger.error({ lab_id: lab.id, err: error }, 'budget check failed; retried on a later pass'),
        );
      if (labs.length < BATCH) break;
    }
  }

  /** Runs a tick now, or right after the running one (never two at once in this process). */
  function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        again = false;
        await tickOnce();
      } while (again);
    })().finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  const loop = () => {
    tick()
      .catch((error) => ctx.logger.error({ err: error }, 'pod lifecycle tick failed'))
      .finally(() => {
        if (state === 'running') (timer = setTimeout(loop, ctx.settings.tickMs)).unref();
      });
  };

  return {
    tick,
    state: () => state,
    async start() {
      const prefix = localPrefix();
      if (prefix) await ctx.pods.checkNow(prefix, ctx.clock());
      if (state === 'stopped') return;
      state = 'running';
      loop();
    },
    async stop() {
      state = 'stopped';
      clearTimeout(timer);
      await ticking?.catch(() => undefined);
      const prefix = localPrefix();
      if (!prefix) return;
      for (const row of await ctx.pods.unfinishedLocal(prefix))
        await stopPod(ctx, row, 'server_shutdown').catch((error) =>
          ctx.logger.error({ pod_id: row.id, err: error }, 'could not stop a local pod at shutdown'),
        );
    },
  };
}

export type PodLoop = ReturnType<typeof createPodLoop>;
