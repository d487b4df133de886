/**
 * Iterators: every item of a paged list, fetched lazily page by page. Every iterator is
 * `iterateX(client, scope, pageSize?)`: `scope` is the list's filters (its query without `limit`/`offset`,
 * optional) or, for the items inside one resource, that resource's id; `pageSize` is the page `limit`.
 * They return an AsyncGenerator and throw the failing page's typed error.
 */
import { paginate, type Computeplane } from '../core/index.js';
import type { paths as DatasetsPaths } from '../generated/datasets.js';
import { listDatasets, type Dataset } from '../generated/datasets.operations.js';
import type { paths as DevicesPaths } from '../generated/devices.js';
import { listDevices, type Device } from '../generated/devices.operations.js';
import { getInferenceJob, type TaskResult } from '../generated/inference.operations.js';
import type { paths as ModelsPaths } from '../generated/models.js';
import { listModels, type Model } from '../generated/models.operations.js';
import type { paths as OffersPaths } from '../generated/offers.js';
import { listOffers, type Offer } from '../generated/offers.operations.js';
import type { paths as SessionsPaths } from '../generated/sessions.js';
import { listSessions, type Session } from '../generated/sessions.operations.js';

/** A list operation's query without the paging parameters the iterator sets. */
type Filters<Query> = Omit<NonNullable<Query>, 'limit' | 'offset'>;

export type DatasetFilters = Filters<DatasetsPaths['/api/v1/datasets']['get']['parameters']['query']>;
export type DeviceFilters = Filters<DevicesPaths['/api/v1/devices']['get']['parameters']['query']>;
export type ModelFilters = Filters<ModelsPaths['/api/v1/models']['get']['parameters']['query']>;
export type OfferFilters = Filters<OffersPaths['/api/v1/inventory']['get']['parameters']['query']>;
export type SessionFilters = Filters<SessionsPaths['/api/v1/sessions']['get']['parameters']['query']>;

/** Every model visible to the client's tenant (`@computeplane/sdk/models`). */
export function iterateModels(
  client: Computeplane,
  filters: ModelFilters = {},
  pageSize = 100,
): AsyncGenerator<Model, void, undefined> {
  return paginate(
    (page) => listModels(client, { params: { query: { ...filters, ...page } } }),
    (body) => body.models,
    { pageSize },
  );
}

/** Every dataset of the client's tenant, newest first (`@computeplane/sdk/datasets`). */
export function iterateDatasets(
  client: Computeplane,
  filters: DatasetFilters = {},
  pageSize = 100,
): AsyncGenerator<Dataset, void, undefined> {
  return paginate(
    (page) => listDatasets(client, { params: { query: { ...filters, ...page } } }),
    (body) => body.datasets,
    { pageSize },
  );
}

/** Every offer matching the filters, cheapest first (`@computeplane/sdk/offers`). */
export function iterateOffers(
  client: Computeplane,
  filters: OfferFilters = {},
  pageSize = 100,
): AsyncGenerator<Offer, void, undefined> {
  return paginate(
    (page) => listOffers(client, { params: { query: { ...filters, ...page } } }),
    (body) => body.offers,
    { pageSize },
  );
}

/** Every session matching the filters, newest first (`@computeplane/sdk/sessions`). */
export function iterateSessions(
  client: Computeplane,
  filters: SessionFilters = {},
  pageSize = 100,
): AsyncGenerator<Session, void, undefined> {
  return paginate(
    (page) => listSessions(client, { params: { query: { ...filters, ...page } } }),
    (body) => body.sessions,
    { pageSize },
  );
}

/** Every result of a batch job in input order, unfinished items included (`@computeplane/sdk/inference`). */
export function iterateBatchResults(
  client: Computeplane,
  jobId: string,
  pageSize = 1000,
): AsyncGenerator<TaskResult, void, undefined> {
  return paginate(
    async (page) => {
      const result = await getInferenceJob(client, {
        params: { path: { jobId }, query: { results_offset: page.offset, results_limit: page.limit } },
      });
      return result.error ? result : { ...result, data: { ...result.data, total: result.data.progress.total } };
    },
    (job) => job.results,
    { pageSize },
  );
}

/** Every device of the client's tenant, the built-in one first (`@computeplane/sdk/devices`). */
export function iterateDevices(
  client: Computeplane,
  filters: DeviceFilters = {},
  pageSize = 100,
): AsyncGenerator<Device, void, undefined> {
  return paginate(
    (page) => listDevices(client, { params: { query: { ...filters, ...page } } }),
    (body) => body.devices,
    { pageSize },
  );
}
