/**
 * createMockComputeplane(): msw handlers that answer every SDK call in-process by running the real
 * reference app on an in-memory database and in-memory file store. State behaves like the server's
 * (upload then get returns the model; another tenant gets a 404), with no network; an uploaded file is
 * staged in the system temp directory only while its request runs (the server checks it from disk).
 */
import { http, type RequestHandler } from 'msw';
import {
  createApp,
  createMemoryBlobStore,
  createTenant,
  issueApiKey,
  openDatabase,
  seedDevelopmentKey,
  DEVELOPMENT_KEY,
  DEVELOPMENT_TENANT,
  type Database,
} from '@computeplane/server';

/** The base URL the mock answers unless `baseUrl` is given. */
export const DEFAULT_MOCK_BASE_URL = 'http://computeplane.test';
/** The admin key the mock accepts unless `adminKey` is given. */
export const DEFAULT_MOCK_ADMIN_KEY = 'mock-admin-key-000000';

export interface MockOptions {
  /** Base URL the SDK client under test uses (default `http://computeplane.test`). */
  baseUrl?: string;
  /** Admin key the mock accepts on `/api/v1/admin` (default `mock-admin-key-000000`). */
  adminKey?: string;
}

export interface MockComputeplane {
  baseUrl: string;
  /** The seeded tenant's key (`test-api-key`). */
  apiKey: string;
  adminKey: string;
  /** Pass to msw's `setupServer(...handlers)` or `server.use(...handlers)`. */
  handlers: RequestHandler[];
  /** Issues a key for a new tenant, to test isolation between tenants. */
  createTenantKey(name: string): Promise<string>;
  /** Empties every table and file, and seeds the development key again. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function createMockComputeplane(options: MockOptions = {}): Promise<MockComputeplane> {
  const baseUrl = (options.baseUrl ?? DEFAULT_MOCK_BASE_URL).replace(/\/+$/, '');
  const adminKey = options.adminKey ?? DEFAULT_MOCK_ADMIN_KEY;
  let database: Database = await openDatabase({});
  let instance = await build(database, adminKey);

  return {
    baseUrl,
    apiKey: DEVELOPMENT_KEY,
    adminKey,
    handlers: [http.all(`${baseUrl}/*`, ({ request }) => instance.app.fetch(request))],
    async createTenantKey(name) {
      const tenant = await createTenant(database.db, name);
      return (await issueApiKey(database.db, tenant.id, 'mock')).key;
    },
    async reset() {
      await instance.close();
      await database.close();
      database = await openDatabase({});
      instance = await build(database, adminKey);
    },
    async close() {
      await instance.close();
      await database.close();
    },
  };
}

async function build(database: Database, adminKey: string) {
  await seedDevelopmentKey(database.db);
  const { app, close } = createApp({
    database,
    blobs: createMemoryBlobStore(),
    internalToken: 'mock-internal-token',
    adminKey,
  });
  return { app, close, tenant: DEVELOPMENT_TENANT };
}
