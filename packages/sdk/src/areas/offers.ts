/**
 * `@computeplane/sdk/offers`: GPU offers of every configured provider, searchable and paged, and the
 * templates compatible with an offer (`listCompatibleTemplates`, declared by openapi/offers.yaml).
 */
export * from '../generated/offers.operations.js';
export { iterateOffers, type OfferFilters } from '../lib/iterators.js';
