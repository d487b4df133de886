/**
 * Two-phase provisioning and what follows it. Phase one (the caller) stored the session `pending` with
 * its label; here the provider creates the instance and the session becomes `provisioning`, then
 * `running` once SSH (or the entrypoint's port) answers. A failure ends the session `failed`, or with
 * auto_retry moves it to the cheapest untried offer in its retry scope and starts again.
 */
import { isGone } from '../../providers/provider-http.js';
import type { CachedOffer } from '../marketplace/module.js';
import { addMs, type BrokerContext } from './broker-context.js';
import { endSession } from './end-session.js';
import { storedRequest } from './session-request.js';
import type { SessionRow } from './session-repository.js';
import { probePort, verifySsh } from './ssh-probe.js';

export type ProvisionOutcome =
  | { kind: 'provisioning'; row: SessionRow }
  | { kind: 'stale'; row: SessionRow; offerId: string; provider: string }
  | { kind: 'failed'; row: SessionRow; reason: string };

/** Phase two: asks the provider for the instance of a pending session. */
export async function provisionOnProvider(ctx: BrokerContext, row: SessionRow): Promise<ProvisionOutcome> {
  const request = storedRequest(row);
  const provider = ctx.providers.get(row.provider);
  if (!provider) return failProvision(ctx, row, `provider '${row.provider}' is not configured on this server`, false);
  const env: Record<string, string> = {
    ...request.resolved.env,
    SESSION_ID: row.id,
    WORKLOAD_TYPE: request.workload_type,
    ...(request.model_id ? { MODEL_ID: request.model_id } : {}),
    ...(request.quantization ? { QUANTIZATION: request.quantization } : {}),
    ...(request.exposed_ports?.length ? { EXPOSED_PORTS: request.exposed_ports.join(',') } : {}),
  };
  let instanceId: string;
  try {
    ({ instanceId } = await provider.createInstance({
      providerOfferId: row.providerOfferId,
      image: request.resolved.image ?? ctx.settings.defaultImage,
      label: row.label,
      diskGb: request.disk_gb,
      env,
      onStartCmd: request.resolved.onStart,
      sshPublicKey: row.sshPublicKey,
    }));
  } catch (error) {
    const gone = isGone(error);
    const reason = gone
      ? `offer ${row.offerId} is no longer available at ${row.provider}`
      : `${row.provider} could not create the instance: ${(error as Error).message}`;
    ctx.logger.warn({ session_id: row.id, offer_id: row.offerId, err: error }, 'provider create failed');
    return failProvision(ctx, row, reason, gone);
  }
  const now = ctx.clock();
  const provisioning = await ctx.repo.transition(
    row.id,
    ['pending'],
    { status: 'provisioning', instanceId, provisionedAt: now, billingStartedAt: now, nextCheckAt: now },
    now,
  );
  if (!provisioning) {
    // The session ended while the provider worked (destroyed by its owner): the new instance must not live on.
    await provider
      .destroyInstance(instanceId)
      .catch((error) =>
        ctx.logger.warn(
          { session_id: row.id, instance_id: instanceId, err: error },
          'destroy of an instance created for an ended session failed; the reconciler will retry',
        ),
      );
    return {
      kind: 'failed',
      row: (await ctx.repo.byId(row.id)) ?? row,
      reason: 'the session ended while its instance was created',
    };
  }
  return { kind: 'provisioning', row: provisioning };
}

/** A provision failed: retry on another offer when allowed, else end the session failed. */
async function failProvision(
  ctx: BrokerContext,
  row: SessionRow,
  reason: string,
  stale: boolean,
): Promise<ProvisionOutcome> {
  const next = nextOffer(ctx, row);
  if (next) {
    const retried = await moveToOffer(ctx, row, next, reason);
    if (retried) return provisionOnProvider(ctx, retried);
  }
  const ended = (await endSession(ctx, row, { endStatus: 'failed', reason })) ?? row;
  return stale && row.retryCount === 0
    ? { kind: 'stale', row: ended, offerId: row.offerId, provider: row.provider }
    : { kind: 'failed', row: ended, reason };
}

/** The cheapest available offer not yet tried that fits the session's retry scope; undefined without auto_retry. */
function nextOffer(ctx: BrokerContext, row: SessionRow): CachedOffer | undefined {
  const request = storedRequest(row);
  if (!request.auto_retry || row.retryCount >= request.max_retries) return undefined;
  const tried = new Set([...row.triedOffers, row.offerId]);
  const filters =
    request.retry_scope === 'same_gpu'
      ? { gpuType: row.gpuType }
      : request.retry_scope === 'same_vram'
        ? { minVramGb: row.vramGb }
        : {};
  const { offers } = ctx.inventory.search(filters, { limit: 1000, offset: 0 });
  return offers.find((offer) => {
    if (tried.has(offer.id)) return false;
    const provider = ctx.providers.get(offer.provider);
    if (!provider) return false;
    if (request.resolved.templateProvider && offer.provider !== request.resolved.templateProvider) return false;
    if (request.storage_policy === 'preserve' && !provider.preservesStorage) return false;
    if (request.docker_image && offer.provider === 'local') return false;
    return true;
  });
}

/** Points the session at another offer (status back to pending), destroying the previous instance first. */
async function moveToOffer(
  ctx: BrokerContext,
  row: SessionRow,
  offer: CachedOffer,
  reason: string,
): Promise<SessionRow | undefined> {
  const now = ctx.clock();
  if (row.instanceId) {
    await ctx.providers
      .get(row.provider)
      ?.destroyInstance(row.instanceId)
      .catch((error) => {
        ctx.metrics.destroyFailures.inc();
        ctx.logger.warn(
          { session_id: row.id, instance_id: row.instanceId, err: error },
          'destroy of a replaced instance failed; the reconciler will retry',
        );
      });
  }
  const usedHours = row.billingStartedAt ? Math.max(0, now.getTime() - row.billingStartedAt.getTime()) / 3_600_000 : 0;
  ctx.logger.info(
    { session_id: row.id, from: row.offerId, to: offer.id, reason },
    'retrying the session on another offer',
  );
  return ctx.repo.transition(
    row.id,
    ['pending', 'provisioning'],
    {
      status: 'pending',
      offerId: offer.id,
      provider: offer.provider,
      providerOfferId: offer.providerId,
      gpuType: offer.gpuType,
      gpuCount: offer.gpuCount,
      vramGb: offer.vramGb,
      pricePerHour: offer.pricePerHour,
      instanceId: null,
      sshHost: null,
      sshPort: null,
      sshUser: null,
      provisionedAt: null,
      billingStartedAt: null,
      priorHours: row.priorHours + usedHours,
      priorCost: row.priorCost + usedHours * row.pricePerHour,
      retryCount: row.retryCount + 1,
      triedOffers: [...row.triedOffers, row.offerId],
      failureReason: reason,
    },
    now,
  );
}

/** One check of a provisioning session: is the instance up, and does SSH (or the port) answer? */
export async function advanceProvisioning(ctx: BrokerContext, row: SessionRow): Promise<void> {
  const provider = ctx.providers.get(row.provider);
  const request = storedRequest(row);
  if (!provider || !row.instanceId) return;
  const now = ctx.clock();
  const deadline = addMs(row.provisionedAt ?? row.createdAt, request.ssh_timeout_minutes * 60_000);
  const instance = await provider.getInstance(row.instanceId);
  if (!instance) {
    ctx.metrics.ghosts.inc();
    await failProvision(ctx, row, 'the instance disappeared at the provider before it was reachable', false);
    return;
  }
  if (instance.status === 'failed' || instance.status === 'stopped') {
    await failProvision(ctx, row, `the instance ${instance.status} at the provider before it was reachable`, false);
    return;
  }
  if (instance.status === 'running' && instance.ssh) {
    const target = { host: instance.ssh.host, port: instance.ssh.port, user: instance.ssh.user };
    const port = request.exposed_ports?.[0];
    const started = performance.now();
    let ok = false;
    if (request.launch_mode === 'entrypoint' && port !== undefined) {
      ok = await probePort(target.host, port, ctx.settings.sshAttemptTimeoutMs);
    } else {
      ok = await verifySsh(target, row.sshPrivateKey ?? '', ctx.settings.sshAttemptTimeoutMs).then(
        () => true,
        (error: Error) => {
          ctx.logger.info({ session_id: row.id, reason: error.message }, 'SSH verification attempt failed');
          return false;
        },
      );
      ctx.metrics.sshVerifyDuration.observe((performance.now() - started) / 1000);
      if (!ok) ctx.metrics.sshVerifyFailures.inc();
    }
    if (ok) {
      const at = ctx.clock();
      await ctx.repo.transition(
        row.id,
        ['provisioning'],
        {
          status: 'running',
          startedAt: at,
          sshHost: target.host,
          sshPort: target.port,
          sshUser: target.user,
          sshPrivateKey: null,
          lastActivityAt: null,
          nextCheckAt: addMs(at, ctx.settings.checkMs),
        },
        at,
      );
      return;
    }
  }
  if (ctx.clock() >= deadline) {
    await failProvision(
      ctx,
      row,
      `${request.launch_mode === 'entrypoint' ? 'the entrypoint port' : 'SSH'} did not answer within ssh_timeout_minutes (${request.ssh_timeout_minutes})`,
      false,
    );
    return;
  }
  await ctx.repo.transition(row.id, ['provisioning'], { nextCheckAt: addMs(now, 2_000) }, now);
}
