/**
 * The marketplace module (areas offers and templates): the inventory of every configured GPU provider,
 * refreshed in the background, and the launch-template catalog. The sessions module rents from it.
 */
import type { LocalProviderAccess } from '../../platform/auth/local-provider-access.js';
import type { ComponentHealth, Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { GpuProvider } from '../../providers/provider.js';
import { offersArea } from './http/offers.js';
import { templatesArea } from './http/templates.js';
import { createInventory } from './inventory.js';
import { createTemplateCatalog } from './template-catalog.js';

export { createInventory, type Inventory } from './inventory.js';
export type { CachedOffer } from './offer-filters.js';
export type { TemplateCatalog } from './template-catalog.js';

export function createMarketplaceModule(
  platform: Services,
  deps: { providers: GpuProvider[]; localAccess: LocalProviderAccess },
) {
  const inventory = createInventory({
    providers: deps.providers,
    clock: platform.clock,
    refreshMs: platform.settings.marketplace.refreshMs,
  });
  for (const provider of deps.providers) {
    void provider.unavailableReason?.().then((reason) => {
      if (reason)
        platform.logger.warn({ provider: provider.name, reason }, `the ${provider.name} provider is unavailable`);
    });
    void provider.notices?.().then((notices) => {
      for (const notice of notices) platform.logger.warn({ provider: provider.name }, notice);
    });
  }
  // The first refresh starts at once: sessions and offers wait for it, not for start().
  const inventoryReady = inventory.start();
  const templates = createTemplateCatalog({ providers: deps.providers, clock: platform.clock });
  return {
    areas: [
      offersArea(inventory, inventoryReady, templates, deps.localAccess),
      templatesArea(templates, deps.localAccess),
    ],
    inventory,
    inventoryReady,
    templates,
    /** The local provider: whether it can run instances here (runc, root) and who may use it. */
    async health(): Promise<Record<string, ComponentHealth>> {
      const local = deps.providers.find((provider) => provider.name === 'local');
      if (!local) return {};
      const reason = (await local.unavailableReason?.()) ?? null;
      const tenants = deps.localAccess.tenants;
      const enabled = tenants === '*' || tenants.length > 0;
      return {
        local_provider: {
          status: reason && enabled ? 'degraded' : 'healthy',
          available: reason === null,
          ...(reason ? { reason } : {}),
          tenants: tenants === '*' ? 'all' : enabled ? 'listed' : 'none',
        },
      };
    },
    async stop() {
      inventory.stop();
    },
  } satisfies Module & Record<string, unknown>;
}

export type MarketplaceModule = ReturnType<typeof createMarketplaceModule>;
