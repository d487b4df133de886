/** `@computeplane/sdk/offers`: GPU offers of every configured provider, searchable and paged. */
import { paginate, type Computeplane } from '../core/index.js';
import { listOffers } from '../generated/offers.operations.js';
import type { paths } from '../generated/offers.js';

export * from '../generated/offers.operations.js';

type OfferQuery = NonNullable<paths['/api/v1/inventory']['get']['parameters']['query']>;

/** Every offer matching the filters, cheapest first, fetched page by page. */
export function iterateOffers(client: Computeplane, filters: Omit<OfferQuery, 'limit' | 'offset'> = {}, pageSize = 100) {
  return paginate((page) => listOffers(client, { params: { query: { ...filters, ...page } } }), (body) => body.offers, { pageSize });
}
