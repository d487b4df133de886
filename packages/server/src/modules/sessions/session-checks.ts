/**
 * The periodic check of one claimed session, by status: pending sessions interrupted before their
 * provider call was recorded are adopted or failed; provisioning ones advance; running ones end at
 * expiry, at the 12-hour hard maximum, when idle past their threshold, when their key was never
 * collected, or fail when their instance vanished; stopping ones retry their destroy.
 */
import { addMs, type BrokerContext } from './broker-context.js';
import { destroyNow, endSession } from './end-session.js';
import { advanceProvisioning } from './provisioning.js';
import type { SessionRow } from './session-repository.js';

export async function checkSession(ctx: BrokerContext, row: SessionRow): Promise<void> {
  const now = ctx.clock();
  if (row.status === 'stopping') {
    await destroyNow(ctx, row);
    return;
  }
  const limit = row.expiresAt < row.hardExpiresAt ? row.expiresAt : row.hardExpiresAt;
  if (now >= limit) {
    await endSession(ctx, row, {
      endStatus: 'stopped',
      reason: now >= row.hardExpiresAt ? 'hard_limit' : 'reservation_expired',
    });
    return;
  }
  if (row.status === 'pending') return checkPending(ctx, row);
  if (row.status === 'provisioning') return advanceProvisioning(ctx, row);
  if (row.status === 'running') return checkRunning(ctx, row);
}

/** A pending session past the timeout: its create request died between the row and the provider's answer. */
async function checkPending(ctx: BrokerContext, row: SessionRow): Promise<void> {
  const now = ctx.clock();
  if (now.getTime() - row.createdAt.getTime() < ctx.settings.pendingTimeoutMs) {
    await ctx.repo.transition(
      row.id,
      ['pending'],
      { nextCheckAt: addMs(row.createdAt, ctx.settings.pendingTimeoutMs) },
      now,
    );
    return;
  }
  const provider = ctx.providers.get(row.provider);
  const instance = (await provider?.listInstances())?.find((candidate) => candidate.label === row.label);
  if (instance) {
    // The provider created it but the answer was never recorded: adopt it, billing from its start.
    const billing = instance.startedAt ?? now;
    await ctx.repo.transition(
      row.id,
      ['pending'],
      {
        status: 'provisioning',
        instanceId: instance.instanceId,
        provisionedAt: now,
        billingStartedAt: billing,
        nextCheckAt: now,
      },
      now,
    );
    ctx.logger.info(
      { session_id: row.id, instance_id: instance.instanceId },
      'adopted an instance created before an interruption',
    );
    return;
  }
  await endSession(ctx, row, {
    endStatus: 'failed',
    reason: 'provisioning was interrupted before the provider created an instance',
  });
}

async function checkRunning(ctx: BrokerContext, row: SessionRow): Promise<void> {
  const now = ctx.clock();
  const provider = ctx.providers.get(row.provider);
  const instance = row.instanceId && provider ? await provider.getInstance(row.instanceId) : undefined;
  if (!instance || instance.status === 'failed' || instance.status === 'stopped') {
    ctx.metrics.ghosts.inc();
    await ctx.repo.transition(
      row.id,
      ['running'],
      {
        status: 'failed',
        failureReason: instance
          ? `the instance ${instance.status} at the provider`
          : 'the instance no longer exists at the provider',
        stoppedAt: now,
        billingEndedAt: now,
      },
      now,
    );
    return;
  }
  const started = row.startedAt ?? row.createdAt;
  // Activity after the session became running: the user's logins and commands (our verification came before).
  const measured = instance.lastActivityAt && instance.lastActivityAt > started ? instance.lastActivityAt : null;
  const lastActivityAt =
    measured && (!row.lastActivityAt || measured > row.lastActivityAt) ? measured : row.lastActivityAt;
  const keyCollected = row.keyCollectedAt !== null || lastActivityAt !== null;
  if (!keyCollected && now.getTime() - row.createdAt.getTime() >= ctx.settings.keyGraceMinutes * 60_000) {
    await endSession(ctx, row, { endStatus: 'stopped', reason: 'key_not_collected' });
    return;
  }
  const idleSince = lastActivityAt ?? started;
  if (row.idleThresholdMinutes > 0 && now.getTime() - idleSince.getTime() >= row.idleThresholdMinutes * 60_000) {
    await endSession(ctx, row, { endStatus: 'stopped', reason: 'idle' });
    return;
  }
  const nextIdle = row.idleThresholdMinutes > 0 ? addMs(idleSince, row.idleThresholdMinutes * 60_000) : undefined;
  const candidates = [
    addMs(now, ctx.settings.checkMs),
    row.expiresAt,
    row.hardExpiresAt,
    ...(nextIdle ? [nextIdle] : []),
  ];
  const next = new Date(Math.min(...candidates.map((date) => date.getTime())));
  await ctx.repo.transition(row.id, ['running'], { lastActivityAt, nextCheckAt: next < now ? now : next }, now);
}
