/**
 * createApp(): the composition root. It builds the platform (HTTP middleware, auth, idempotency,
 * metrics) from explicit dependencies (database, storage, clock, settings), then every domain module in
 * dependency order, registers each module's areas, and starts them. Tests, the mock and the CLI each
 * build it their own way. A new module is one line here (see docs/adding-an-area.md).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createDevicesModule } from './modules/devices/module.js';
import { createAdminModule } from './modules/admin/module.js';
import { createDatasetsModule } from './modules/datasets/module.js';
import { createHealthModule } from './modules/health/module.js';
import { createInferenceModule } from './modules/inference/module.js';
import { createInstancesModule } from './modules/instances/module.js';
import { createMarketplaceModule } from './modules/marketplace/module.js';
import { createModelsModule } from './modules/models/module.js';
import { createSessionsModule } from './modules/sessions/module.js';
import { createTrainingModule } from './modules/training/module.js';
import { createCredentialCache } from './platform/auth/credential-cache.js';
import { createLocalProviderAccess } from './platform/auth/local-provider-access.js';
import { createVerifiers } from './platform/auth/verifiers.js';
import type { Database } from './platform/db/database.js';
import { createDocsRoutes } from './platform/docs/serve-docs.js';
import type { AppEnv } from './platform/http/app-env.js';
import { limitBodies, MULTIPART_OVERHEAD } from './platform/http/body-limit.js';
import { notFoundHandler, onError, validationHook } from './platform/http/error-handler.js';
import { allowedMethods } from './platform/http/allowed-methods.js';
import { errorFormatMounts } from './platform/http/error-format.js';
import { idempotency } from './platform/http/idempotency.js';
import { createHttpMetrics } from './platform/http/metrics.js';
import { streamMultipart } from './platform/http/multipart-stream.js';
import { registerRoutes, type RouteServices } from './platform/http/register-routes.js';
import { requestContext } from './platform/http/request-context.js';
import type { Module } from './platform/module.js';
import type { Lifecycle, Services } from './platform/services.js';
import { localProviderTenantsFor, resolveSettings, type SettingsOverrides } from './platform/settings.js';
import type { BlobStore } from './platform/storage/blob-store.js';
import { createProviders, providerErrorsCounter } from './providers/create-providers.js';
import type { GpuProvider } from './providers/provider.js';

export { DEFAULT_SETTINGS } from './platform/settings.js';

export interface AppOptions {
  database: Database;
  blobs: BlobStore;
  internalToken: string;
  adminKey?: string;
  clock?: () => Date;
  logger?: Logger;
  settings?: SettingsOverrides;
  /** Directory of the built docs site served at /docs; omitted: no /docs. */
  docsDir?: string;
  /** Collect process metrics (CPU, memory, event loop) in the metrics registry; off for in-process test apps. */
  processMetrics?: boolean;
  /** GPU providers to offer from; default: this machine, plus the remote providers configured in settings. */
  providers?: GpuProvider[];
  /** Where the local provider keeps instance directories (default: the system temp directory). */
  dataDir?: string;
  /** A CA certificate (PEM) the egress proxy trusts for destinations besides the system's (tests). */
  egressUpstreamCa?: string;
  /** Where uploaded files are staged while a request is checked (default: the system temp directory). */
  uploadDir?: string;
}

export function createApp(options: AppOptions) {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? pino({ level: 'silent' });
  const settings = resolveSettings(options.settings);
  const lifecycle: Lifecycle = { ready: true, draining: false, startedAt: clock() };
  const metrics = createHttpMetrics({ processMetrics: options.processMetrics ?? false });
  const platform: Services = {
    database: options.database,
    blobs: options.blobs,
    clock,
    logger,
    settings,
    lifecycle,
    metrics: metrics.registry,
  };

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
  app.onError(onError);
  app.notFound(notFoundHandler(() => app.routes));
  app.use('*', requestContext(logger));
  app.use('*', metrics.middleware);
  app.use('*', limitBodies(settings));
  app.use(
    '*',
    streamMultipart({
      uploadDir: options.uploadDir ?? join(tmpdir(), 'computeplane-uploads'),
      maxFileBytes: settings.maxModelBytes,
      maxBodyBytes: settings.maxModelBytes + MULTIPART_OVERHEAD,
    }),
  );

  const credentials = createCredentialCache();
  const routeServices: RouteServices = {
    verifiers: createVerifiers({
      db: options.database.db,
      adminKey: options.adminKey,
      internalToken: options.internalToken,
      clock,
      cache: credentials,
    }),
    idempotency: idempotency(options.database.db, clock),
  };
  const owned = options.providers
    ? undefined
    : createProviders(
        settings.marketplace,
        options.dataDir ?? join(tmpdir(), 'computeplane'),
        providerErrorsCounter(platform.metrics),
      );
  const providers = options.providers ?? owned!.providers;
  const localAccess = createLocalProviderAccess(
    options.database.db,
    settings.marketplace.localProviderTenants ?? localProviderTenantsFor(options.database.driver),
  );

  const models = createModelsModule(platform);
  const devices = createDevicesModule(platform, { models });
  const inference = createInferenceModule(platform, { models, devices });
  const datasets = createDatasetsModule(platform);
  const marketplace = createMarketplaceModule(platform, { providers, localAccess });
  const sessions = createSessionsModule(platform, { providers, marketplace, localAccess });
  const admin = createAdminModule(platform, { onKeyRevoked: credentials.clear });
  const training = createTrainingModule(platform, { models, datasets, devices });
  const instances = createInstancesModule(platform, {
    dataDir: options.dataDir ?? join(tmpdir(), 'computeplane'),
    ...(options.egressUpstreamCa ? { upstreamCa: options.egressUpstreamCa } : {}),
  });
  // Devices before inference: inference runs work on the devices, and stops (giving slices back) first.
  const modules: Module[] = [models, datasets, devices, inference, marketplace, sessions, admin, training, instances];
  const health = createHealthModule(platform, { broker: sessions.brokerHealth, modules: () => modules });
  modules.unshift(health);

  const areas = modules.flatMap((module) => module.areas);
  // Error formats first: a middleware registered after a route would never see that route's answers.
  for (const mount of errorFormatMounts(areas)) app.use(mount.path, mount.middleware);
  // Inside the error formats, before any route: 405/OPTIONS per spec path, static segments first.
  app.use('*', allowedMethods(areas.flatMap((area) => Object.values(area.routes))));
  for (const area of areas) registerRoutes(app, area.routes, area.handlers as never, routeServices);
  for (const module of modules) module.start?.();
  if (options.docsDir) app.route('/docs', createDocsRoutes(options.docsDir));

  /** Stops every module in reverse order (in-flight job slices finish), then the providers. Does not close the database. */
  const close = async () => {
    for (const module of [...modules].reverse()) await module.stop?.();
    await owned?.close();
  };
  return {
    app,
    services: platform,
    lifecycle,
    close,
    sessions: sessions.broker,
    /** Resolves once the instances module re-attached its workloads and queued its pulls. */
    instancesReady: instances.ready,
    devices: devices.useCases,
    /** Serves the devices' WebSocket endpoint on the server that serves `app`; returns what closes the sockets. */
    attachSockets: (server: Server) => devices.attach(server),
  };
}

export type ComputeplaneApp = ReturnType<typeof createApp>;
