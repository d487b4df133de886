/**
 * startServer(): what `npm start` runs. Opens the database (PGlite under DATA_DIR, or PostgreSQL from
 * DATABASE_URL), applies migrations, prepares file storage and tokens, listens, and on SIGTERM/SIGINT
 * drains: readiness turns 503, the listener stops accepting, in-flight requests finish, the database closes.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from './app.js';
import { seedDevelopmentKey, DEVELOPMENT_KEY } from './platform/auth/development-key.js';
import { loadOrCreateInternalToken } from './platform/auth/internal-token.js';
import type { ServerConfig } from './config.js';
import { openDatabase } from './platform/db/open-database.js';
import { defaultSiteDir } from './platform/docs/serve-docs.js';
import { purgeExpiredIdempotencyKeys } from './platform/http/idempotency.js';
import { listenForMetrics } from './platform/http/metrics-listener.js';
import { sweepStagedFiles } from './platform/http/multipart-stream.js';
import { limitBodyIdleTime, slowClientServerOptions } from './platform/http/slow-clients.js';
import { createDatabaseBlobStore } from './platform/storage/database-blob-store.js';
import { createLocalBlobStore } from './platform/storage/local-blob-store.js';

export interface RunningServer {
  port: number;
  /** Port of the metrics listener (loopback by default). */
  metricsPort: number;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel, base: { service: 'computeplane-server' } });
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') },
  );
  logger.info({ driver: database.driver }, 'database ready, migrations applied');
  if (database.driver === 'pglite' && (await seedDevelopmentKey(database.db))) {
    logger.warn(
      { api_key: DEVELOPMENT_KEY },
      'no API keys configured: created development tenant "default" with key test-api-key',
    );
  }
  const internalToken = await loadOrCreateInternalToken(config.dataDir);
  const uploadDir = join(config.dataDir, 'uploads');
  const swept = await sweepStagedFiles(uploadDir);
  if (swept > 0) logger.info({ files: swept }, 'removed staging files left by an earlier process');
  const {
    app,
    lifecycle,
    services,
    close: closeApp,
    attachSockets,
  } = createApp({
    database,
    // Replicas on one PostgreSQL share model files through it; the embedded default keeps them on disk.
    blobs:
      database.driver === 'postgres'
        ? createDatabaseBlobStore(database.db)
        : createLocalBlobStore(join(config.dataDir, 'blobs')),
    internalToken,
    adminKey: config.adminKey,
    logger,
    settings: {
      maxModelBytes: config.maxModelBytes,
      maxJsonBytes: config.maxJsonBytes,
      maxBatchBytes: config.maxBatchBytes,
      maxTrainingSamplePasses: config.maxTrainingSamplePasses,
      marketplace: config.marketplace,
      inference: config.inference,
      sessions: config.sessions,
      pods: config.pods,
      devices: config.devices,
      usage: config.usage,
      dashboard: config.dashboard,
      retention: config.retention,
      compute: config.compute,
      instances: config.instances,
    },
    docsDir: defaultSiteDir(),
    dashboardDir: join(defaultSiteDir(), 'dashboard'),
    dataDir: config.dataDir,
    uploadDir,
    processMetrics: true,
  });
  if (!config.adminKey) logger.info('ADMIN_KEY not set: the admin area answers 401');

  const metricsListener = await listenForMetrics(services.metrics, {
    port: config.metricsPort,
    host: config.metricsHost,
  });
  logger.info(
    { metrics_port: metricsListener.port, metrics_host: config.metricsHost },
    `metrics on http://${config.metricsHost}:${metricsListener.port}/metrics`,
  );
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening = serve(
      { fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: slowClientServerOptions(config) },
      () => {
        listening.removeAllListeners('error');
        resolve(listening);
      },
    );
    listening.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(`cannot listen on ${config.host}:${config.port} (${error.code ?? error.message}); set PORT or HOST`),
      ),
    );
  });
  limitBodyIdleTime(server as Server, config);
  const closeDeviceSockets = attachSockets(server as Server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, data_dir: config.dataDir }, `listening on http://localhost:${port} (docs at /docs)`);

  const purge = setInterval(
    () => {
      purgeExpiredIdempotencyKeys(database.db, new Date()).catch((error: unknown) =>
        logger.warn({ err: error }, 'idempotency key purge failed'),
      );
    },
    60 * 60 * 1000,
  ).unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      lifecycle.draining = true;
      clearInterval(purge);
      logger.info('shutting down: draining in-flight requests');
      // Device sockets are long-lived connections: closed first (the workers reconnect elsewhere), or the
      // drain below would wait the whole grace period for them.
      await closeDeviceSockets();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref());
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      await Promise.race([drained, grace]);
      await metricsListener.close();
      await closeApp();
      await database.close();
      logger.info('shutdown complete');
      logger.flush();
    })());
  return { port, metricsPort: metricsListener.port, close };
}
