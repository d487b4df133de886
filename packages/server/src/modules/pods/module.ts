/**
 * The pods module (area pods: labs and pods): long-lived GPU pods with persistent volumes, rented through
 * the provider layer's pod operations (RunPod, the local provider), with the lifecycle loop that enforces
 * their limits (maxHours, idle, budget, key collection, volume retention) on any replica.
 */
import type { LocalProviderAccess } from '../../platform/auth/local-provider-access.js';
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { GpuProvider } from '../../providers/provider.js';
import type { MarketplaceModule } from '../marketplace/module.js';
import { createPodLoop } from './engine/pod-loop.js';
import { podsArea } from './http/pods.js';
import { labRepository } from './lab-repository.js';
import { labUseCases } from './lab-use-cases.js';
import type { PodContext } from './pod-context.js';
import { podRepository } from './pod-repository.js';
import { podUseCases } from './pod-use-cases.js';

export function createPodsModule(
  services: Services,
  deps: { providers: GpuProvider[]; marketplace: MarketplaceModule; localAccess: LocalProviderAccess },
) {
  let markReady: () => void = () => undefined;
  const ctx: PodContext = {
    pods: podRepository(services.database.db),
    labs: labRepository(services.database.db),
    providers: new Map(deps.providers.map((provider) => [provider.name, provider])),
    inventory: deps.marketplace.inventory,
    ready: new Promise<void>((resolve) => (markReady = resolve)),
    clock: services.clock,
    logger: services.logger.child({ component: 'pods' }),
    settings: services.settings.pods,
    keyGraceMinutes: services.settings.sessions.keyGraceMinutes,
    localAllowed: deps.localAccess.allowsTenant,
    kick: () => void loop.tick().catch(() => undefined),
  };
  const loop = createPodLoop(ctx);
  const pods = podUseCases(ctx);
  let started: Promise<void> | undefined;
  return {
    areas: [podsArea(pods, labUseCases(ctx, pods))],
    loop,
    start() {
      started = (async () => {
        await deps.marketplace.inventoryReady;
        await loop.start();
      })()
        .catch((error) => ctx.logger.error({ err: error }, 'pod lifecycle failed to start'))
        .finally(() => markReady());
    },
    async stop() {
      await started;
      await loop.stop();
    },
  } satisfies Module & Record<string, unknown>;
}

export type PodsModule = ReturnType<typeof createPodsModule>;
