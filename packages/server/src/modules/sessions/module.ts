/**
 * The sessions module (areas sessions and costs): GPU sessions rented from the marketplace's offers.
 * Builds the session broker for an app: repository, metrics, the deployment id (from settings, or
 * created once in the database and shared by every replica), and the start-up sweep that runs once the
 * inventory has loaded. Also what the broker's `GET /health` and `GET /ready` report.
 */
import type { LocalProviderAccess } from '../../platform/auth/local-provider-access.js';
import { randomBytes } from 'node:crypto';
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { GpuProvider } from '../../providers/provider.js';
import type { MarketplaceModule } from '../marketplace/module.js';
import { sessionsArea } from './http/sessions.js';
import { sessionUseCases } from './session-use-cases.js';
import { DEFAULT_BROKER_SETTINGS, type BrokerContext } from './broker-context.js';
import { createSessionBroker } from './session-broker.js';
import { createSessionMetrics } from './session-metrics.js';
import { deploymentId, sessionRepository } from './session-repository.js';

/** Money rounding shared with the pods' costs. */
export { roundCost } from './costs.js';

export interface BrokerHealth {
  lifecycle: 'starting' | 'running' | 'stopped';
  inventory: 'ok' | 'stale' | 'empty';
  ready: boolean;
}

export function createSessionsModule(
  services: Services,
  deps: { providers: GpuProvider[]; marketplace: MarketplaceModule; localAccess: LocalProviderAccess },
) {
  const { inventory, inventoryReady, templates } = deps.marketplace;
  const repo = sessionRepository(services.database.db);
  const context: BrokerContext = {
    repo,
    providers: new Map(deps.providers.map((provider) => [provider.name, provider])),
    inventory,
    clock: services.clock,
    logger: services.logger.child({ component: 'sessions' }),
    metrics: createSessionMetrics(services.metrics, repo.activeCounts),
    settings: { ...DEFAULT_BROKER_SETTINGS, ...services.settings.sessions },
    labelPrefix: '',
    localAllowed: deps.localAccess.allowsTenant,
    templates: {
      get: templates.launchSpec,
      accepts: async (hashId, offer) => {
        const template = await templates.get(hashId);
        return template !== undefined && templates.isCompatible(template, offer);
      },
    },
  };
  const broker = createSessionBroker(context);
  const started = (async () => {
    const id =
      services.settings.sessions.deploymentId ??
      (await deploymentId(services.database.db, () => randomBytes(5).toString('hex')));
    context.labelPrefix = `cp-${id}-`;
    await inventoryReady;
    await broker.start();
    context.logger.info({ deployment_id: id }, 'session broker running');
  })();
  started.catch((error) => context.logger.error({ err: error }, 'session broker failed to start'));

  const brokerHealth = (): BrokerHealth => {
    const providers = inventory.status();
    const inventoryState = providers.every((p) => p.refreshedAt === null)
      ? 'empty'
      : providers.some((p) => p.error !== null)
        ? 'stale'
        : 'ok';
    const lifecycle = broker.state();
    return { lifecycle, inventory: inventoryState, ready: lifecycle === 'running' && !services.lifecycle.draining };
  };
  return {
    areas: [sessionsArea(sessionUseCases(context, broker, () => started))],
    broker,
    started,
    /** The broker's state for the seed's root `GET /health` and `GET /ready`. */
    brokerHealth,
    async stop() {
      await started.catch(() => undefined);
      await broker.stop();
    },
  } satisfies Module & Record<string, unknown>;
}

export type SessionsModule = ReturnType<typeof createSessionsModule>;
