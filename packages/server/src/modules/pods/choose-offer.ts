/**
 * Which offer a new pod rents: the one `offerId` names (checked against `gpuType` and `gpuCount`), or the
 * cheapest available offer of a provider that runs pods with that GPU type and count. GPU types match as
 * the inventory's `gpu_type` filter does (case, spaces and dashes ignored, a part matches: `H100` finds
 * `H100 SXM`). As the seed says, H200 pods have one GPU (multi-GPU for H100 and A100; other types as their
 * offers have them). On a machine without GPUs the local provider's offer is `CPU (n cores)`, rented as
 * `gpuType: "CPU"` with one "GPU".
 */
import { ApiProblem } from '../../platform/http/problem.js';
import type { CachedOffer } from '../marketplace/module.js';
import type { PodContext } from './pod-context.js';

/** The seed's GPU types, known even while no provider offers them. */
export const SEED_GPU_TYPES = ['H200', 'H100', 'A100'];
/** Seed types without multi-GPU pods ("Multi-GPU pods available for H100 and A100"). */
const SINGLE_GPU_TYPES = ['h200'];

const normalise = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');
const typeMatches = (offer: CachedOffer, gpuType: string) => normalise(offer.gpuType).includes(normalise(gpuType));
const countMatches = (offer: CachedOffer, gpuCount: number) =>
  offer.gpuCount === gpuCount || (offer.gpuCount === 0 && gpuCount === 1);

export function chooseOffer(
  ctx: PodContext,
  request: { gpuType: string; gpuCount: number; provider?: string; offerId?: string },
): CachedOffer {
  const podCapable = (offer: CachedOffer) => ctx.providers.get(offer.provider)?.pods !== undefined;
  if (request.gpuCount > 1 && SINGLE_GPU_TYPES.includes(normalise(request.gpuType)))
    throw new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `gpuCount: ${request.gpuType} pods have one GPU; multi-GPU pods are available for H100 and A100`,
    );
  if (request.offerId !== undefined) {
    const found = ctx.inventory.find(request.offerId);
    if (!found)
      throw new ApiProblem(
        404,
        'NOT_FOUND',
        `Offer '${request.offerId}' not found; list offers with GET /api/v1/inventory`,
      );
    if ('stale' in found || !found.offer.available)
      throw new ApiProblem(
        503,
        'STALE_INVENTORY',
        `offerId: offer '${request.offerId}' is no longer available; pick another`,
        {
          headers: { 'Retry-After': '5' },
        },
      );
    const offer = found.offer;
    if (!podCapable(offer))
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `offerId: ${offer.provider} offers no pods; use a runpod or local offer`,
      );
    if (request.provider !== undefined && offer.provider !== request.provider)
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `offerId: offer '${offer.id}' is a ${offer.provider} offer, not ${request.provider}`,
      );
    if (!typeMatches(offer, request.gpuType) || !countMatches(offer, request.gpuCount))
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `offerId: offer '${offer.id}' has ${offer.gpuCount} x ${offer.gpuType}, not ${request.gpuCount} x ${request.gpuType}`,
      );
    return offer;
  }
  const all = ctx.inventory.search(
    { ...(request.provider !== undefined ? { provider: request.provider } : {}) },
    { limit: 100_000, offset: 0 },
  ).offers;
  const ofType = all.filter((offer) => podCapable(offer) && typeMatches(offer, request.gpuType));
  const known = ofType.length > 0 || SEED_GPU_TYPES.some((type) => normalise(type) === normalise(request.gpuType));
  if (!known)
    throw new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `gpuType: '${request.gpuType}' is not a GPU type of any pod offer; use H200, H100, A100 or a gpu_type that GET /api/v1/inventory lists`,
    );
  const chosen = ofType.find((offer) => countMatches(offer, request.gpuCount));
  if (!chosen)
    throw new ApiProblem(
      503,
      'PROVIDER_UNAVAILABLE',
      `No ${request.gpuCount} x ${request.gpuType} pod offer is available now${ofType.length ? ` (available: ${[...new Set(ofType.map((o) => o.gpuCount))].join(', ')} GPUs)` : ''}; retry later or change gpuType/gpuCount`,
      { headers: { 'Retry-After': '30' } },
    );
  return chosen;
}
