/**
 * The offers area (openapi/offers.yaml): the inventory of every configured GPU provider, and which
 * templates of the template catalog run on an offer (`compatible-templates`, the `template_hash_id` filter).
 */
import { routes } from '../../../generated/routes/offers.js';
import type { LocalProviderAccess } from '../../../platform/auth/local-provider-access.js';
import { ApiProblem } from '../../../platform/http/problem.js';
import { area } from '../../../platform/module.js';
import type { Inventory } from '../inventory.js';
import type { CachedOffer } from '../offer-filters.js';
import type { TemplateCatalog } from '../template-catalog.js';

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

/** The cached offer, or the seed's 404 (also for an offer its provider no longer lists, or one the tenant may not use). */
function findOffer(inventory: Inventory, id: string, localAllowed: boolean): CachedOffer {
  const found = inventory.find(id);
  if (!found || (id.startsWith('local-') && !localAllowed))
    throw new ApiProblem(404, 'NOT_FOUND', `Offer '${id}' not found`);
  if ('stale' in found) throw new ApiProblem(404, 'NOT_FOUND', `Offer '${id}' is no longer offered by its provider`);
  return found.offer;
}

export function offersArea(
  inventory: Inventory,
  ready: Promise<void>,
  templates: TemplateCatalog,
  localAccess: LocalProviderAccess,
) {
  return area('offers', routes, {
    listOffers: async (c) => {
      await ready;
      const q = c.req.valid('query');
      const localAllowed = await localAccess.allows(c.get('principal'));
      let accepts: ((offer: CachedOffer) => boolean) | undefined = localAllowed
        ? undefined
        : (offer) => offer.provider !== 'local';
      if (q.template_hash_id !== undefined) {
        const template = await templates.get(q.template_hash_id);
        if (!template)
          throw new ApiProblem(
            404,
            'NOT_FOUND',
            `Template '${q.template_hash_id}' not found; list templates with GET /api/v1/templates`,
          );
        const visible = accepts ?? (() => true);
        accepts = (offer) => visible(offer) && templates.isCompatible(template, offer);
      }
      const { offers, total } = inventory.search(
        {
          ...(q.provider !== undefined ? { provider: q.provider } : {}),
          ...(q.gpu_type !== undefined ? { gpuType: q.gpu_type } : {}),
          ...(q.location !== undefined ? { location: q.location } : {}),
          ...(q.min_vram !== undefined ? { minVramGb: q.min_vram } : {}),
          ...(q.max_price !== undefined ? { maxPricePerHour: q.max_price } : {}),
          ...((q.min_gpu_count ?? q.gpu_count) !== undefined ? { minGpuCount: (q.min_gpu_count ?? q.gpu_count)! } : {}),
          ...(q.min_reliability !== undefined ? { minReliability: q.min_reliability } : {}),
          ...(q.min_availability_confidence !== undefined
            ? { minAvailabilityConfidence: q.min_availability_confidence }
            : {}),
          ...(q.min_cuda !== undefined ? { minCuda: q.min_cuda } : {}),
          ...(accepts ? { accepts } : {}),
        },
        { limit: q.limit, offset: q.offset },
      );
      return c.json({ offers: offers.map(toOffer), count: offers.length, total }, 200);
    },
    getOffer: async (c) => {
      await ready;
      const { id } = c.req.valid('param');
      return c.json(toOffer(findOffer(inventory, id, await localAccess.allows(c.get('principal')))), 200);
    },
    listCompatibleTemplates: async (c) => {
      await ready;
      const { id } = c.req.valid('param');
      const offer = findOffer(inventory, id, await localAccess.allows(c.get('principal')));
      const compatible = (await templates.compatibleWith(offer)).map((template) => ({
        hash_id: template.hashId,
        name: template.name,
        image: template.image,
        recommended_disk_space: template.recommendedDiskSpace,
      }));
      return c.json({ offer_id: offer.id, compatible_templates: compatible, count: compatible.length }, 200);
    },
  });
}
