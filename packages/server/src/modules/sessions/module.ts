/**
 * Builds the session broker for an app: repository, metrics, the deployment id (from settings, or
 * created once in the database and shared by every replica), and the start-up sweep that runs once the
 * inventory has loaded. Also what the broker's `GET /health` and `GET /ready` report.
 */
import { randomBytes } from 'node:crypto';
import type { Inventory } from '../marketplace/inventory.js';
import type { GpuProvider } from '../../providers/provider.js';
import type { Services } from '../../platform/services.js';
import { DEFAULT_BROKER_SETTINGS, type BrokerContext } from './broker-context.js';
import { createSessionBroker } from './session-broker.js';
import { createSessionMetrics } from './session-metrics.js';
import { deploymentId, sessionRepository } from './session-repository.js';

export interface BrokerHealth {
  lifecycle: 'starting' | 'running' | 'stopped';
  inventory: 'ok' | 'stale' | 'empty';
  ready: boolean;
}

export function createSessions(options: { services: Services; providers: GpuProvider[]; inventory: Inventory; inventoryReady: Promise<void>; templates?: BrokerContext['templates'] }) {
  const { services } = options;
  const repo = sessionRepository(services.database.db);
  const context: BrokerContext = {
    repo,
    providers: new Map(options.providers.map((provider) => [provider.name, provider])),
    inventory: options.inventory,
    clock: services.clock,
    logger: services.logger.child({ component: 'sessions' }),
    metrics: createSessionMetrics(services.metrics, repo.activeCounts),
    settings: { ...DEFAULT_BROKER_SETTINGS, ...services.settings.sessions },
    labelPrefix: '',
    ...(options.templates ? { templates: options.templates } : {}),
  };
  const broker = createSessionBroker(context);
  const started = (async () => {
    const id = services.settings.sessions.deploymentId ?? (await deploymentId(services.database.db, () => randomBytes(5).toString('hex')));
    context.labelPrefix = `cp-${id}-`;
    await options.inventoryReady;
    await broker.start();
    context.logger.info({ deployment_id: id }, 'session broker running');
  })();
  started.catch((error) => context.logger.error({ err: error }, 'session broker failed to start'));

  const health = (): BrokerHealth => {
    const providers = options.inventory.status();
    const inventory = providers.every((p) => p.refreshedAt === null) ? 'empty' : providers.some((p) => p.error !== null) ? 'stale' : 'ok';
    const lifecycle = broker.state();
    return { lifecycle, inventory, ready: lifecycle === 'running' && !services.lifecycle.draining };
  };
  return {
    context,
    broker,
    started,
    health,
    async stop() {
      await started.catch(() => undefined);
      await broker.stop();
    },
  };
}
