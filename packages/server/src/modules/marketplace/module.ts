/**
 * The marketplace module (areas offers and templates): the inventory of every configured GPU provider,
 * refreshed in the background, and the launch-template catalog. The sessions module rents from it.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { GpuProvider } from '../../providers/provider.js';
import { offersArea } from './http/offers.js';
import { templatesArea } from './http/templates.js';
import { createInventory } from './inventory.js';
import { createTemplateCatalog } from './template-catalog.js';

export { createInventory, type Inventory } from './inventory.js';
export type { CachedOffer } from './offer-filters.js';
export type { TemplateCatalog } from './template-catalog.js';

export function createMarketplaceModule(platform: Services, deps: { providers: GpuProvider[] }) {
  const inventory = createInventory({
    providers: deps.providers,
    clock: platform.clock,
    refreshMs: platform.settings.marketplace.refreshMs,
  });
  // The first refresh starts at once: sessions and offers wait for it, not for start().
  const inventoryReady = inventory.start();
  const templates = createTemplateCatalog({ providers: deps.providers, clock: platform.clock });
  return {
    areas: [offersArea(inventory, inventoryReady, templates), templatesArea(templates)],
    inventory,
    inventoryReady,
    templates,
    async stop() {
      inventory.stop();
    },
  } satisfies Module & Record<string, unknown>;
}

export type MarketplaceModule = ReturnType<typeof createMarketplaceModule>;
