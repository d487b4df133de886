/**
 * A real server for tests: createApp() on a chosen database driver, listening on a real socket
 * (port 0), with two tenants and their API keys, an admin key, and SDK clients for each.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import {
  createApp,
  createMemoryBlobStore,
  createTenant,
  issueApiKey,
  type BlobStore,
  type Database,
} from '@computeplane/server';
import { createClient, type ClientOptions, type Computeplane } from '@computeplane/sdk';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const INTERNAL_TOKEN = 'test-internal-token';

export interface TestServer {
  baseUrl: string;
  database: Database;
  blobs: BlobStore;
  app: ReturnType<typeof createApp>;
  /** SDK client for tenant A (the default), tenant B, the admin, or anonymous. */
  clientA: Computeplane;
  clientB: Computeplane;
  admin: Computeplane;
  anonymous: Computeplane;
  keyA: string;
  keyB: string;
  /** The tenant ids behind keyA and keyB. */
  tenantA: string;
  tenantB: string;
  client(options?: ClientOptions): Computeplane;
  close(): Promise<void>;
}

export async function startTestServer(
  database: Database,
  options: {
    blobs?: BlobStore;
    settings?: Parameters<typeof createApp>[0]['settings'];
    clock?: () => Date;
    providers?: Parameters<typeof createApp>[0]['providers'];
    /** A built web dashboard to serve at /dashboard. */
    dashboardDir?: string;
    /**
     * Where the local provider and the instances area keep their files (default: shared by every test server
     * of the machine, whose start-up sweeps the others' local instances: suites that run them pass their own).
     */
    dataDir?: string;
    egressUpstreamCa?: string;
    /** Tenant ids of an earlier server on the same database (a restart): new keys for them, no new tenants. */
    tenants?: { a: string; b: string };
  } = {},
): Promise<TestServer> {
  const blobs = options.blobs ?? createMemoryBlobStore();
  const app = createApp({
    database,
    blobs,
    internalToken: INTERNAL_TOKEN,
    adminKey: ADMIN_KEY,
    // Test servers are one machine's deployment on either driver: the local provider is open to every tenant
    // unless a suite says otherwise (the driver's default is tested in providers/local-provider-gate.test.ts).
    settings: {
      ...options.settings,
      marketplace: { localProviderTenants: '*', ...options.settings?.marketplace },
    },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.egressUpstreamCa ? { egressUpstreamCa: options.egressUpstreamCa } : {}),
  });
  const alpha = options.tenants ? { id: options.tenants.a } : await createTenant(database.db, 'alpha');
  const beta = options.tenants ? { id: options.tenants.b } : await createTenant(database.db, 'beta');
  const keyA = (await issueApiKey(database.db, alpha.id, 'tests')).key;
  const keyB = (await issueApiKey(database.db, beta.id, 'tests')).key;
  const server = await new Promise<ServerType>((resolve) => {
    const listening = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  const closeDeviceSockets = app.attachSockets(server as Server);
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const client = (clientOptions: ClientOptions = {}) =>
    createClient({ baseUrl, maxRetries: 0, timeoutMs: 30_000, ...clientOptions });
  return {
    baseUrl,
    database,
    blobs,
    app,
    keyA,
    keyB,
    tenantA: alpha.id,
    tenantB: beta.id,
    clientA: client({ apiKey: keyA }),
    clientB: client({ apiKey: keyB }),
    admin: client({ adminKey: ADMIN_KEY }),
    anonymous: client({ apiKey: '' }),
    client,
    async close() {
      await closeDeviceSockets();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
