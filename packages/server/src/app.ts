/**
 * createApp(): the whole HTTP API as a Hono app, built from explicit dependencies (database, storage,
 * clock, settings) so tests, the mock and the CLI each build it their own way. Areas plug in here.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import pino, { type Logger } from 'pino';
import { createCredentialCache } from './platform/auth/credential-cache.js';
import { createVerifiers } from './platform/auth/verifiers.js';
import type { Database } from './platform/db/database.js';
import { adminArea } from './modules/admin/http/admin.js';
import { healthArea } from './modules/health/http/health.js';
import { modelsArea } from './modules/models/http/models.js';
import { inferenceArea } from './modules/inference/http/inference.js';
import { offersArea } from './modules/marketplace/http/offers.js';
import { templatesArea } from './modules/marketplace/http/templates.js';
import { sessionsArea } from './modules/sessions/http/sessions.js';
import { DEFAULT_BROKER_SETTINGS } from './modules/sessions/broker-context.js';
import { createSessions } from './modules/sessions/module.js';
import { gpuErrorFormat } from './platform/http/gpu-error-format.js';
import { createProviders, providerErrorsCounter } from './providers/create-providers.js';
import { createInventory } from './modules/marketplace/inventory.js';
import { createTemplateCatalog } from './modules/marketplace/template-catalog.js';
import type { GpuProvider } from './providers/provider.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocsRoutes } from './platform/docs/serve-docs.js';
import { createInference } from './modules/inference/module.js';
import type { AppEnv } from './platform/http/app-env.js';
import { limitBodies } from './platform/http/body-limit.js';
import { notFoundHandler, onError, validationHook } from './platform/http/error-handler.js';
import { idempotency } from './platform/http/idempotency.js';
import { createHttpMetrics } from './platform/http/metrics.js';
import { registerRoutes, type RouteServices } from './platform/http/register-routes.js';
import { requestContext } from './platform/http/request-context.js';
import type { Lifecycle, ServerSettings, Services } from './platform/services.js';
import type { BlobStore } from './platform/storage/blob-store.js';

export interface AppOptions {
  database: Database;
  blobs: BlobStore;
  internalToken: string;
  adminKey?: string;
  clock?: () => Date;
  logger?: Logger;
  settings?: Partial<ServerSettings>;
  /** Directory of the built docs site served at /docs; omitted: no /docs. */
  docsDir?: string;
  /** Collect process metrics (CPU, memory, event loop) on /metrics; off for in-process test apps. */
  processMetrics?: boolean;
  /** GPU providers to offer from; default: this machine, plus Vast.ai/Lambda when configured in settings. */
  providers?: GpuProvider[];
  /** Where the local provider keeps instance directories (default: the system temp directory). */
  dataDir?: string;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  version: '0.1.0',
  maxModelBytes: 256 * 1024 * 1024,
  maxJsonBytes: 1024 * 1024,
  maxBatchBytes: 64 * 1024 * 1024,
  inference: {
    maxSessions: 8,
    maxBatchSize: 64,
    maxQueueDelayUs: 0,
    maxQueue: 1024,
    chunkSize: 1024,
    leaseMs: 30_000,
    pollMs: 250,
    runJobs: true,
  },
  marketplace: { refreshMs: 60_000 },
  sessions: { tickMs: DEFAULT_BROKER_SETTINGS.tickMs, reconcileMs: DEFAULT_BROKER_SETTINGS.reconcileMs, keyGraceMinutes: DEFAULT_BROKER_SETTINGS.keyGraceMinutes },
};

export function createApp(options: AppOptions) {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? pino({ level: 'silent' });
  const settings: ServerSettings = {
    ...DEFAULT_SETTINGS,
    ...options.settings,
    inference: { ...DEFAULT_SETTINGS.inference, ...options.settings?.inference },
    sessions: { ...DEFAULT_SETTINGS.sessions, ...options.settings?.sessions },
  };
  const lifecycle: Lifecycle = { ready: true, draining: false, startedAt: clock() };
  const metrics = createHttpMetrics({ processMetrics: options.processMetrics ?? false });
  const services: Services = { database: options.database, blobs: options.blobs, clock, logger, settings, lifecycle, metrics: metrics.registry };

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
  app.onError(onError);
  app.notFound(notFoundHandler(() => app.routes));
  app.use('*', requestContext(logger));
  app.use('*', metrics.middleware);
  app.use('*', limitBodies(settings));

  const credentials = createCredentialCache();
  const routeServices: RouteServices = {
    verifiers: createVerifiers({ db: options.database.db, adminKey: options.adminKey, internalToken: options.internalToken, clock, cache: credentials }),
    idempotency: idempotency(options.database.db, clock),
  };
  const inference = createInference(services);
  const errors = providerErrorsCounter(services.metrics);
  const owned = options.providers ? undefined : createProviders(settings.marketplace, options.dataDir ?? join(tmpdir(), 'computeplane'), errors);
  const inventory = createInventory({ providers: options.providers ?? owned!.providers, clock, refreshMs: settings.marketplace.refreshMs });
  const inventoryReady = inventory.start();
  const templates = createTemplateCatalog({ providers: options.providers ?? owned!.providers, clock });
  const sessions = createSessions({
    services,
    providers: options.providers ?? owned!.providers,
    inventory,
    inventoryReady,
    templates: {
      get: templates.launchSpec,
      accepts: async (hashId, offer) => {
        const template = await templates.get(hashId);
        return template !== undefined && templates.isCompatible(template, offer);
      },
    },
  });
  for (const path of ['/api/v1/inventory', '/api/v1/inventory/*', '/api/v1/templates', '/api/v1/templates/*', '/api/v1/sessions', '/api/v1/sessions/*', '/api/v1/costs', '/api/v1/costs/*']) app.use(path, gpuErrorFormat);
  const areas = [
    healthArea(services, sessions.health),
    modelsArea(services, inference.onModelChanged),
    adminArea(services, credentials.clear),
    inferenceArea(services, inference.deps),
    offersArea(inventory, inventoryReady, templates),
    templatesArea(templates),
    sessionsArea(sessions.context, sessions.broker, () => sessions.started),
  ];
  for (const area of areas) registerRoutes(app, area.routes, area.handlers as never, routeServices);
  if (settings.inference.runJobs) inference.deps.runner.start();
  if (options.docsDir) app.route('/docs', createDocsRoutes(options.docsDir));

  /** Stops the job runner (in-flight slices finish) and the inference workers. Does not close the database. */
  const close = async () => {
    await sessions.stop();
    inventory.stop();
    await inference.close();
    await owned?.close();
  };
  return { app, services, lifecycle, close, sessions: sessions.broker };
}

export type ComputeplaneApp = ReturnType<typeof createApp>;
