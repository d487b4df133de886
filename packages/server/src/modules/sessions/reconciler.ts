/**
 * Compares each provider's instance list with the database. Only instances labelled with this
 * deployment's prefix are ever touched: one without a live session that owns it is an orphan and is
 * destroyed (a failed destroy is counted and tried again next round); a provisioning or running session
 * whose instance the provider no longer lists is a ghost and is marked failed.
 */
import type { BrokerContext } from './broker-context.js';
import type { SessionRow } from './session-repository.js';

/** Instances younger than this may not be listed yet by an eventually consistent provider API. */
const GHOST_GRACE_MS = 60_000;

export async function reconcile(ctx: BrokerContext): Promise<{ orphans: number; ghosts: number }> {
  let orphans = 0;
  let ghosts = 0;
  for (const provider of ctx.providers.values()) {
    let instances;
    try {
      instances = await provider.listInstances();
    } catch (error) {
      ctx.logger.warn(
        { provider: provider.name, err: error },
        'reconcile: listing instances failed; skipped this round',
      );
      continue;
    }
    const ours = instances.filter((instance) => instance.label?.startsWith(ctx.labelPrefix));
    const sessions = new Map<string, SessionRow>(
      (await ctx.repo.byIds(ours.map((instance) => instance.label!.slice(ctx.labelPrefix.length)))).map((row) => [
        row.id,
        row,
      ]),
    );
    for (const instance of ours) {
      const session = sessions.get(instance.label!.slice(ctx.labelPrefix.length));
      // A pending session may be waiting for exactly this instance's create call to return.
      const owned =
        session &&
        (session.status === 'pending' ||
          (session.instanceId === instance.instanceId &&
            ['provisioning', 'running', 'stopping'].includes(session.status)));
      if (owned) continue;
      orphans += 1;
      ctx.metrics.orphans.inc();
      ctx.logger.warn(
        {
          provider: provider.name,
          instance_id: instance.instanceId,
          label: instance.label,
          session_status: session?.status ?? null,
        },
        'orphaned instance: destroying',
      );
      await provider.destroyInstance(instance.instanceId).catch((error) => {
        ctx.metrics.destroyFailures.inc();
        ctx.logger.warn({ instance_id: instance.instanceId, err: error }, 'orphan destroy failed; retried next round');
      });
    }
    const listed = new Set(instances.map((instance) => instance.instanceId));
    const now = ctx.clock();
    for (const session of await ctx.repo.unfinishedOf(provider.name)) {
      if (
        !['provisioning', 'running'].includes(session.status) ||
        !session.instanceId ||
        listed.has(session.instanceId)
      )
        continue;
      if (provider.instanceIdPrefix && !session.instanceId.startsWith(provider.instanceIdPrefix)) continue;
      if (now.getTime() - (session.provisionedAt ?? session.createdAt).getTime() < GHOST_GRACE_MS) continue;
      const failed = await ctx.repo.transition(
        session.id,
        ['provisioning', 'running'],
        {
          status: 'failed',
          failureReason: 'the instance no longer exists at the provider',
          stoppedAt: now,
          billingEndedAt: now,
          sshPrivateKey: null,
        },
        now,
      );
      if (failed) {
        ghosts += 1;
        ctx.metrics.ghosts.inc();
        ctx.logger.warn({ session_id: session.id, instance_id: session.instanceId }, 'ghost session: marked failed');
      }
    }
  }
  return { orphans, ghosts };
}
