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
import { createDashboardModule } from './modules/dashboard/module.js';
import { createComputeModule } from './modules/compute/module.js';
import { createDevicesModule } from './modules/devices/module.js';
import { createEfficiencyModule } from './modules/efficiency/module.js';
import { createAdminModule } from './modules/admin/module.js';
import { createDatasetsModule } from './modules/datasets/module.js';
import { createHealthModule } from './modules/health/module.js';
import { createInferenceModule } from './modules/inference/module.js';
import { createLifecycleModule } from './modules/lifecycle/module.js';
import { createInstancesModule } from './modules/instances/module.js';
import { createMarketplaceModule } from './modules/marketplace/module.js';
import { createModelsModule } from './modules/models/module.js';
import { createPodsModule } from './modules/pods/module.js';
import { createProjectsModule } from './modules/projects/module.js';
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
import { createTaskRecorder } from './platform/usage/task-recorder.js';
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
  /** Directory of the built web dashboard (`npm run dashboard`) served at /dashboard; omitted: no /dashboard. */
  dashboardDir?: string;
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
    tasks: createTaskRecorder(options.database.db, logger, clock, settings.usage),
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

  /** The HTTP server `attachSockets` was given: a local worker reaches this server at its port. */
  let httpServer: Server | undefined;
  const models = createModelsModule(platform);
  const devices = createDevicesModule(platform, { models });
  const datasets = createDatasetsModule(platform);
  const marketplace = createMarketplaceModule(platform, { providers, localAccess });
  const training = createTrainingModule(platform, { models, datasets, devices });
  const compute = createComputeModule(platform, {
    providers,
    marketplace,
    localAccess,
    training: training.job,
    models,
    dataDir: options.dataDir ?? join(tmpdir(), 'computeplane'),
    serverPort: () => {
      const address = httpServer?.address();
      return address && typeof address === 'object' ? address.port : undefined;
    },
  });
  const inference = createInferenceModule(platform, { models, devices, compute });
  const sessions = createSessionsModule(platform, { providers, marketplace, localAccess });
  const pods = createPodsModule(platform, { providers, marketplace, localAccess });
  const admin = createAdminModule(platform, { onKeyRevoked: credentials.clear });
  const instances = createInstancesModule(platform, {
    dataDir: options.dataDir ?? join(tmpdir(), 'computeplane'),
    ...(options.egressUpstreamCa ? { upstreamCa: options.egressUpstreamCa } : {}),
  });
  const projects = createProjectsModule(platform, { models, inference, training });
  const efficiency = createEfficiencyModule(platform);
  const dashboard = createDashboardModule(platform, { devices, projects, efficiency, models, inference, training });
  const lifecycleModule = createLifecycleModule(platform);
  // Devices and compute peers before inference: inference runs work on them, and stops (giving slices back) first.
  const modules: Module[] = [
    models,
    datasets,
    devices,
    compute,
    inference,
    marketplace,
    sessions,
    pods,
    admin,
    training,
    projects,
    efficiency,
    dashboard,
    lifecycleModule,
    instances,
  ];
  const health = createHealthModule(platform, { broker: sessions.brokerHealth, modules: () => modules });
  modules.unshift(health);

  const areas = modules.flatMap((module) => module.areas);
  // Error formats first: a middleware registered after a route would never see that route's answers.
  for (const mount of errorFormatMounts(areas)) app.use(mount.path, mount.middleware);
  // Inside the error formats, before any route: 405/OPTIONS per spec path, static segments first.
  app.use('*', allowedMethods(areas.flatMap((area) => Object.values(area.routes))));
  for (const area of areas) registerRoutes(app, area.routes, area.handlers as never, routeServices);
  platform.tasks.start();
  for (const module of modules) module.start?.();
  if (options.docsDir) app.route('/docs', createDocsRoutes(options.docsDir));
  if (options.dashboardDir)
    app.route(
      '/dashboard',
      createDocsRoutes(options.dashboardDir, {
        build: 'npm run dashboard',
        // Everything from this server: the page works offline and loads nothing from another host.
        csp: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
      }),
    );

  /** Stops every module in reverse order (in-flight job slices finish), then the providers. Does not close the database. */
  const close = async () => {
    for (const module of [...modules].reverse()) await module.stop?.();
    // After the modules: what they recorded while stopping is written too.
    await platform.tasks.stop();
    await owned?.close();
  };
  return {
    app,
    services: platform,
    lifecycle,
    close,
    sessions: sessions.broker,
    pods: pods.loop,
    /** Resolves once the instances module re-attached its workloads and queued its pulls. */
    instancesReady: instances.ready,
    devices: devices.useCases,
    /** The task recorder (tests flush it or record known workloads through it). */
    tasks: platform.tasks,
    /** Project streams a tenant holds open (the dashboard's per-tenant bound). */
    streamsHeld: dashboard.streamsHeld,
    /** Runs one retention sweep now (tests; every replica also sweeps on its own timer). */
    sweepExpired: lifecycleModule.sweep,
    /** Worker jobs (tests wait for those in flight). */
    workers: compute.workers,
    /** Serves the devices' WebSocket endpoint on the server that serves `app`; returns what closes the sockets. */
    attachSockets: (server: Server) => {
      httpServer = server;
      return devices.attach(server);
    },
  };
}

export type ComputeplaneApp = ReturnType<typeof createApp>;
