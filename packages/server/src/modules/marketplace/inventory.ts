/**
 * The offer inventory: every configured provider's offers, cached and refreshed in the background on an
 * injectable clock. A provider that fails keeps its last good offers (with their age lowering their
 * availability confidence) and does not hide the others; its error is reported per provider. Looking an
 * offer up for provisioning tells apart "never existed" from "gone since the last refresh" (the seed's
 * 503 stale_inventory).
 */
import type { GpuProvider, ProviderName } from '../../providers/provider.js';
import { byPrice, matches, type CachedOffer, type OfferFilters } from './offer-filters.js';

export interface ProviderInventoryState {
  provider: ProviderName;
  offers: number;
  refreshedAt: Date | null;
  error: string | null;
}

export interface InventoryOptions {
  providers: GpuProvider[];
  clock?: () => Date;
  /** Refresh period (default 60 s). */
  refreshMs?: number;
  /** Offers older than this have confidence 0 (default 10 minutes). */
  staleAfterMs?: number;
}

export function createInventory(options: InventoryOptions) {
  const clock = options.clock ?? (() => new Date());
  const refreshMs = options.refreshMs ?? 60_000;
  const staleAfterMs = options.staleAfterMs ?? 10 * 60_000;
  const cache = new Map<
    ProviderName,
    { offers: Omit<CachedOffer, 'availabilityConfidence'>[]; refreshedAt: Date | null; error: string | null }
  >();
  /** Offer ids seen in an earlier refresh but not in the latest: provisioning them is a stale-inventory error. */
  const vanished = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const confidence = (fetchedAt: Date, now: Date) =>
    Math.max(0, Math.min(1, 1 - (now.getTime() - fetchedAt.getTime()) / staleAfterMs));

  async function refreshProvider(provider: GpuProvider) {
    const previous = cache.get(provider.name);
    try {
      const fetchedAt = clock();
      const offers = (await provider.listOffers()).map((offer) => ({
        ...offer,
        id: `${offer.provider}-${offer.providerId}`,
        fetchedAt,
      }));
      const current = new Set(offers.map((offer) => offer.id));
      for (const old of previous?.offers ?? []) if (!current.has(old.id)) vanished.add(old.id);
      for (const id of current) vanished.delete(id);
      cache.set(provider.name, { offers, refreshedAt: fetchedAt, error: null });
    } catch (error) {
      cache.set(provider.name, {
        offers: previous?.offers ?? [],
        refreshedAt: previous?.refreshedAt ?? null,
        error: (error as Error).message,
      });
    }
  }

  const all = (): CachedOffer[] => {
    const now = clock();
    return [...cache.values()].flatMap((entry) =>
      entry.offers.map((offer) => ({ ...offer, availabilityConfidence: confidence(offer.fetchedAt, now) })),
    );
  };

  return {
    /** Refreshes every provider now (in parallel); resolves when all have answered or failed. */
    refresh: () => Promise.all(options.providers.map(refreshProvider)).then(() => undefined),

    /** Starts the background refresh loop (first refresh at once). */
    start() {
      const loop = async () => {
        await Promise.all(options.providers.map(refreshProvider));
        timer = setTimeout(loop, refreshMs);
        timer.unref();
      };
      return loop();
    },
    stop() {
      if (timer) clearTimeout(timer);
    },

    search(filters: OfferFilters, page: { limit: number; offset: number }) {
      const found = all()
        .filter((offer) => offer.available && matches(offer, filters))
        .sort(byPrice);
      return { offers: found.slice(page.offset, page.offset + page.limit), total: found.length };
    },

    /** The cached offer; `stale` when it existed but the provider no longer lists it. */
    find(id: string): { offer: CachedOffer } | { stale: true } | undefined {
      const offer = all().find((candidate) => candidate.id === id);
      if (offer) return { offer };
      return vanished.has(id) ? { stale: true } : undefined;
    },

    status(): ProviderInventoryState[] {
      return options.providers.map((provider) => {
        const entry = cache.get(provider.name);
        return {
          provider: provider.name,
          offers: entry?.offers.length ?? 0,
          refreshedAt: entry?.refreshedAt ?? null,
          error: entry?.error ?? null,
        };
      });
    },
  };
}

export type Inventory = ReturnType<typeof createInventory>;
