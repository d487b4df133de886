/**
 * The inventory filters of gpu-sessions.md (provider, gpu_type, location, min_vram, max_price,
 * min_gpu_count / gpu_count, min_reliability, min_availability_confidence, min_cuda, and template_hash_id
 * as a predicate from the template catalog), applied to cached offers. Text filters match case-insensitively and ignore spaces, dashes and underscores, so "rtx4090",
 * "RTX 4090" and "RTX_4090" find the same GPUs.
 */
import type { ProviderOffer } from '../../providers/provider.js';

export interface OfferFilters {
  provider?: string;
  gpuType?: string;
  location?: string;
  minVramGb?: number;
  maxPricePerHour?: number;
  minGpuCount?: number;
  minReliability?: number;
  minAvailabilityConfidence?: number;
  minCuda?: number;
  /** Only offers it accepts (`template_hash_id`: offers the template can run on). */
  accepts?: (offer: CachedOffer) => boolean;
}

export interface CachedOffer extends ProviderOffer {
  /** `<provider>-<providerId>`, stable across refreshes. */
  id: string;
  fetchedAt: Date;
  /** 0-1: how likely the offer is still rentable, from its age and the provider's last refresh. */
  availabilityConfidence: number;
}

const normalise = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

export function matches(offer: CachedOffer, filters: OfferFilters): boolean {
  if (filters.provider !== undefined && offer.provider !== filters.provider) return false;
  if (filters.gpuType !== undefined && !normalise(offer.gpuType).includes(normalise(filters.gpuType))) return false;
  if (filters.location !== undefined && !normalise(offer.location ?? '').includes(normalise(filters.location)))
    return false;
  if (filters.minVramGb !== undefined && offer.vramGb < filters.minVramGb) return false;
  if (filters.maxPricePerHour !== undefined && offer.pricePerHour > filters.maxPricePerHour) return false;
  if (filters.minGpuCount !== undefined && offer.gpuCount < filters.minGpuCount) return false;
  if (filters.minReliability !== undefined && offer.reliability < filters.minReliability) return false;
  if (
    filters.minAvailabilityConfidence !== undefined &&
    offer.availabilityConfidence < filters.minAvailabilityConfidence
  )
    return false;
  if (filters.minCuda !== undefined && (offer.cudaVersion === null || offer.cudaVersion < filters.minCuda))
    return false;
  if (filters.accepts !== undefined && !filters.accepts(offer)) return false;
  return true;
}

/** Cheapest first, then most reliable, then by id, so pages are stable between calls. */
export function byPrice(a: CachedOffer, b: CachedOffer): number {
  return a.pricePerHour - b.pricePerHour || b.reliability - a.reliability || a.id.localeCompare(b.id);
}
