/**
 * The GPU session broker: creating sessions (two-phase), the owner's actions on them, and the
 * lifecycle loops (checks of due sessions, the reconciler) on an injectable clock. `start()` runs the
 * start-up sweep (reconcile, then every due check) before the broker reports ready; `stop()` waits for
 * work in flight and ends the sessions whose instances die with this process.
 */
import { randomBytes } from 'node:crypto';
import { addMs, HARD_MAX_HOURS, type BrokerContext } from './broker-context.js';
import { destroyNow, endSession } from './end-session.js';
import { provisionOnProvider, type ProvisionOutcome } from './provisioning.js';
import { reconcile } from './reconciler.js';
import { checkSession } from './session-checks.js';
import type { StoredRequest } from './session-request.js';
import type { NewSession, SessionRow } from './session-repository.js';
import { generateEd25519KeyPair } from '../../providers/ssh-key-pair.js';

export type BrokerState = 'starting' | 'running' | 'stopped';

export interface NewSessionInput {
  tenantId: string;
  consumerId: string;
  offer: {
    id: string;
    provider: string;
    providerId: string;
    gpuType: string;
    gpuCount: number;
    vramGb: number;
    pricePerHour: number;
  };
  reservationHours: number;
  idleThresholdMinutes: number;
  request: StoredRequest;
}

const sessionId = () => `sess-${randomBytes(8).toString('hex').slice(0, 12)}`;

export function createSessionBroker(ctx: BrokerContext) {
  let state: BrokerState = 'starting';
  let tickTimer: NodeJS.Timeout | undefined;
  let reconcileTimer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let again = false;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  /** Checks every due session once (claimed, so replicas split the work); repeats while work keeps coming. */
  async function tickOnce(): Promise<void> {
    for (;;) {
      const now = ctx.clock();
      const due = await ctx.repo.claimDue(now, addMs(now, 30_000), 20, ctx.providers.get('local')?.instanceIdPrefix);
      await Promise.all(
        due.map((row) =>
          checkSession(ctx, row).catch((error) =>
            ctx.logger.error({ session_id: row.id, err: error }, 'session check failed; retried on a later tick'),
          ),
        ),
      );
      if (due.length < 20) return;
    }
  }

  /** Runs a tick now, or right after the running one (never two at once in this process). */
  function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = track(
      (async () => {
        do {
          again = false;
          await tickOnce();
        } while (again);
      })(),
    ).finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  const settled = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const loopTick = () => {
    tick()
      .catch((error) => ctx.logger.error({ err: error }, 'session lifecycle tick failed'))
      .finally(() => {
        if (state === 'running') (tickTimer = setTimeout(loopTick, ctx.settings.tickMs)).unref();
      });
  };
  const loopReconcile = () => {
    track(reconcile(ctx))
      .catch((error) => ctx.logger.error({ err: error }, 'reconcile failed'))
      .finally(() => {
        if (state === 'running') (reconcileTimer = setTimeout(loopReconcile, ctx.settings.reconcileMs)).unref();
      });
  };

  return {
    state: () => state,
    /** One pass of the lifecycle checks (tests drive it with a fake clock). */
    tick,
    /** Resolves when no work started by this broker is in flight. */
    settled,
    /** One reconciliation of every provider with the database. */
    reconcile: () => track(reconcile(ctx)),

    /** Phase one (the pending row, before any provider call) and phase two (the provider creates the instance). */
    async create(input: NewSessionInput): Promise<(ProvisionOutcome & { privateKey: string }) | 'conflict'> {
      const now = ctx.clock();
      const id = sessionId();
      const keys = generateEd25519KeyPair(`computeplane-${id}`);
      const row: NewSession = {
        id,
        tenantId: input.tenantId,
        consumerId: input.consumerId,
        status: 'pending',
        label: `${ctx.labelPrefix}${id}`,
        offerId: input.offer.id,
        provider: input.offer.provider,
        providerOfferId: input.offer.providerId,
        gpuType: input.offer.gpuType,
        gpuCount: input.offer.gpuCount,
        vramGb: input.offer.vramGb,
        pricePerHour: input.offer.pricePerHour,
        request: input.request as unknown as Record<string, unknown>,
        reservationHours: input.reservationHours,
        idleThresholdMinutes: input.idleThresholdMinutes,
        sshPublicKey: keys.publicKey,
        sshPrivateKey: keys.privateKey,
        preserveStorage: input.request.storage_policy === 'preserve',
        createdAt: now,
        updatedAt: now,
        expiresAt: addMs(now, input.reservationHours * 3_600_000),
        hardExpiresAt: addMs(now, HARD_MAX_HOURS * 3_600_000),
        nextCheckAt: addMs(now, ctx.settings.pendingTimeoutMs),
      };
      const pending = await ctx.repo.insert(row);
      if (pending === 'conflict') return 'conflict';
      const outcome = await track(provisionOnProvider(ctx, pending));
      if (outcome.kind === 'provisioning') void tick().catch(() => undefined);
      return { ...outcome, privateKey: keys.privateKey };
    },

    /** The owner is done: the session stops in the background. undefined when it had already ended. */
    async done(row: SessionRow): Promise<SessionRow | undefined> {
      const now = ctx.clock();
      const stopping = await ctx.repo.transition(
        row.id,
        ['pending', 'provisioning', 'running'],
        { status: 'stopping', endStatus: 'stopped', stopReason: 'done', nextCheckAt: now },
        now,
      );
      if (stopping) void tick().catch(() => undefined);
      return stopping;
    },

    /** Destroys now; a failed destroy leaves the session stopping, retried in the background. */
    async destroy(row: SessionRow): Promise<SessionRow> {
      if (row.status === 'stopping') return track(destroyNow(ctx, row));
      return (await track(endSession(ctx, row, { endStatus: 'stopped', reason: 'destroyed' }))) ?? row;
    },

    /** Moves expires_at later; 'ended' when the session is not active, 'hard_limit' past 12 hours from creation. */
    async extend(row: SessionRow, hours: number): Promise<SessionRow | 'ended' | 'hard_limit'> {
      if (!['pending', 'provisioning', 'running'].includes(row.status)) return 'ended';
      const expiresAt = addMs(row.expiresAt, hours * 3_600_000);
      if (expiresAt > row.hardExpiresAt) return 'hard_limit';
      const now = ctx.clock();
      return (
        (await ctx.repo.transition(
          row.id,
          ['pending', 'provisioning', 'running'],
          { expiresAt, reservationHours: row.reservationHours + hours },
          now,
        )) ?? 'ended'
      );
    },

    async start(): Promise<void> {
      // Instances that end with a process did end if this node restarted: check its sessions first thing.
      for (const provider of ctx.providers.values()) {
        if (provider.instancesEndWithProcess && provider.instanceIdPrefix)
          await ctx.repo.checkNow(provider.name, provider.instanceIdPrefix, ctx.clock());
      }
      await track(reconcile(ctx)).catch((error) => ctx.logger.error({ err: error }, 'start-up reconcile failed'));
      await tick().catch((error) => ctx.logger.error({ err: error }, 'start-up sweep failed'));
      if (state === 'stopped') return;
      state = 'running';
      (tickTimer = setTimeout(loopTick, ctx.settings.tickMs)).unref();
      (reconcileTimer = setTimeout(loopReconcile, ctx.settings.reconcileMs)).unref();
    },

    /** Stops the loops, waits for work in flight, and ends sessions whose instances end with this process. */
    async stop(): Promise<void> {
      state = 'stopped';
      clearTimeout(tickTimer);
      clearTimeout(reconcileTimer);
      await settled();
      for (const provider of ctx.providers.values()) {
        if (!provider.instancesEndWithProcess) continue;
        for (const row of await ctx.repo.unfinishedOf(provider.name)) {
          if (row.instanceId && provider.instanceIdPrefix && !row.instanceId.startsWith(provider.instanceIdPrefix))
            continue;
          if (row.status === 'stopping') await destroyNow(ctx, row);
          else await endSession(ctx, row, { endStatus: 'stopped', reason: 'server_shutdown' });
        }
      }
    },
  };
}

export type SessionBroker = ReturnType<typeof createSessionBroker>;
