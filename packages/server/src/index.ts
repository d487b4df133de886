/** `@computeplane/server`: the app factory and the building blocks tests, the mock and the CLI assemble. */
export { createApp, DEFAULT_SETTINGS, type AppOptions, type ComputeplaneApp } from './app.js';
export { loadConfig, type ServerConfig } from './config.js';
export { startServer, type RunningServer } from './start-server.js';
export { openDatabase, type DatabaseOptions } from './platform/db/open-database.js';
export type { Database } from './platform/db/database.js';
export { createLocalBlobStore } from './platform/storage/local-blob-store.js';
export { createMemoryBlobStore } from './platform/storage/memory-blob-store.js';
export { createDatabaseBlobStore } from './platform/storage/database-blob-store.js';
export type { BlobStore } from './platform/storage/blob-store.js';
export { issueApiKey } from './platform/auth/api-keys.js';
export { createTenant } from './platform/auth/tenants.js';
export { seedDevelopmentKey, DEVELOPMENT_KEY, DEVELOPMENT_TENANT } from './platform/auth/development-key.js';
export { areaSpecs } from './generated/specs.js';
export { mergeAreas } from './platform/http/merge-specs.js';
