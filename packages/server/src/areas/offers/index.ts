/** The offers area (openapi/offers.yaml): the inventory of every configured GPU provider. */
import { routes } from '../../generated/routes/offers.js';
import { ApiProblem } from '../../http/problem.js';
import type { Handlers } from '../../http/register-routes.js';
import type { Inventory } from '../../marketplace/inventory.js';
import type { CachedOffer } from '../../marketplace/offer-filters.js';

export function toOffer(offer: CachedOffer) {
  return {
    id: offer.id,
    provider: offer.provider,
    provider_id: offer.providerId,
    gpu_type: offer.gpuType,
    gpu_count: offer.gpuCount,
    vram_gb: offer.vramGb,
    price_per_hour: offer.pricePerHour,
    location: offer.location,
    reliability: offer.reliability,
    available: offer.available,
    max_duration_hours: offer.maxDurationHours,
    fetched_at: offer.fetchedAt.toISOString(),
    cuda_version: offer.cudaVersion,
    availability_confidence: Math.round(offer.availabilityConfidence * 1000) / 1000,
  };
}

export function offersArea(inventory: Inventory, ready: Promise<void>): { routes: typeof routes; handlers: Handlers<typeof routes> } {
  const handlers: Handlers<typeof routes> = {
    listOffers: async (c) => {
      await ready;
      const q = c.req.valid('query');
      const { offers, total } = inventory.search(
        {
          ...(q.provider !== undefined ? { provider: q.provider } : {}),
          ...(q.gpu_type !== undefined ? { gpuType: q.gpu_type } : {}),
          ...(q.location !== undefined ? { location: q.location } : {}),
          ...(q.min_vram !== undefined ? { minVramGb: q.min_vram } : {}),
          ...(q.max_price !== undefined ? { maxPricePerHour: q.max_price } : {}),
          ...((q.min_gpu_count ?? q.gpu_count) !== undefined ? { minGpuCount: (q.min_gpu_count ?? q.gpu_count)! } : {}),
          ...(q.min_reliability !== undefined ? { minReliability: q.min_reliability } : {}),
          ...(q.min_availability_confidence !== undefined ? { minAvailabilityConfidence: q.min_availability_confidence } : {}),
          ...(q.min_cuda !== undefined ? { minCuda: q.min_cuda } : {}),
        },
        { limit: q.limit, offset: q.offset },
      );
      return c.json({ offers: offers.map(toOffer), count: offers.length, total }, 200);
    },
    getOffer: async (c) => {
      await ready;
      const { id } = c.req.valid('param');
      const found = inventory.find(id);
      if (!found || 'stale' in found) {
        throw new ApiProblem(404, 'NOT_FOUND', found ? `Offer '${id}' is no longer offered by its provider` : `Offer '${id}' not found`);
      }
      return c.json(toOffer(found.offer), 200);
    },
  };
  return { routes, handlers };
}
