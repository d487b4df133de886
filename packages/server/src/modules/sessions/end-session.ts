/**
 * Ending a session: it moves to `stopping` (remembering whether it ends `stopped` or `failed`), its
 * instance is destroyed, and only a confirmed destroy ends its billing. A failed destroy is counted and
 * retried with backoff by the lifecycle loop until the provider confirms.
 */
import { addMs, type BrokerContext } from './broker-context.js';
import type { SessionRow } from './session-repository.js';

export interface EndRequest {
  endStatus: 'stopped' | 'failed';
  /** stop_reason (stopped) or failure_reason (failed). */
  reason: string;
}

const backoffMs = (attempts: number) => Math.min(5 * 60_000, 5_000 * 2 ** Math.max(0, attempts - 1));

/** Moves an unfinished session to stopping and tries the destroy once now. */
export async function endSession(
  ctx: BrokerContext,
  row: SessionRow,
  request: EndRequest,
): Promise<SessionRow | undefined> {
  const now = ctx.clock();
  const stopping = await ctx.repo.transition(
    row.id,
    ['pending', 'provisioning', 'running'],
    {
      status: 'stopping',
      endStatus: request.endStatus,
      ...(request.endStatus === 'failed' ? { failureReason: request.reason } : { stopReason: request.reason }),
      nextCheckAt: now,
    },
    now,
  );
  if (!stopping) return undefined;
  return destroyNow(ctx, stopping);
}

/** One destroy attempt for a stopping session; ends it on success, schedules a retry on failure. */
export async function destroyNow(ctx: BrokerContext, row: SessionRow): Promise<SessionRow> {
  const provider = ctx.providers.get(row.provider);
  try {
    if (row.instanceId) {
      if (!provider) throw new Error(`provider '${row.provider}' is not configured on this server`);
      await provider.destroyInstance(row.instanceId, { preserveStorage: row.preserveStorage });
    }
  } catch (error) {
    const now = ctx.clock();
    ctx.metrics.destroyFailures.inc();
    ctx.logger.warn(
      { session_id: row.id, instance_id: row.instanceId, attempt: row.destroyAttempts + 1, err: error },
      'instance destroy failed; will retry',
    );
    const retried = await ctx.repo.transition(
      row.id,
      ['stopping'],
      { destroyAttempts: row.destroyAttempts + 1, nextCheckAt: addMs(now, backoffMs(row.destroyAttempts + 1)) },
      now,
    );
    return retried ?? row;
  }
  const now = ctx.clock();
  const ended = await ctx.repo.transition(
    row.id,
    ['stopping'],
    {
      status: row.endStatus ?? 'stopped',
      stoppedAt: now,
      billingEndedAt: row.billingStartedAt && !row.billingEndedAt ? now : row.billingEndedAt,
      sshPrivateKey: null,
    },
    now,
  );
  ctx.logger.info({ session_id: row.id, instance_id: row.instanceId, status: ended?.status }, 'session ended');
  return ended ?? row;
}
