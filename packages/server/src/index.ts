/** `@computeplane/server`: the app factory and the building blocks tests, the mock and the CLI assemble. */
export { createApp, DEFAULT_SETTINGS, type AppOptions, type ComputeplaneApp } from './app.js';
export { loadConfig, type ServerConfig } from './config.js';
export { startServer, type RunningServer } from './start-server.js';
export { openDatabase, type DatabaseOptions } from './db/open-database.js';
export type { Database } from './db/database.js';
export { createLocalBlobStore } from './storage/local-blob-store.js';
export { createMemoryBlobStore } from './storage/memory-blob-store.js';
export { createDatabaseBlobStore } from './storage/database-blob-store.js';
export type { BlobStore } from './storage/blob-store.js';
export { issueApiKey } from './auth/api-keys.js';
export { createTenant } from './auth/tenants.js';
export { seedDevelopmentKey, DEVELOPMENT_KEY, DEVELOPMENT_TENANT } from './auth/development-key.js';
export { areaSpecs } from './generated/specs.js';
export { mergeAreas } from './http/merge-specs.js';
