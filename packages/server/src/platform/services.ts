/**
 * Everything a handler may use, built once per app by createApp(): the database, file storage, clock,
 * configuration, metrics and the server's lifecycle state. Handlers receive it explicitly.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Database } from './db/database.js';
import type { ServerSettings } from './settings.js';
import type { BlobStore } from './storage/blob-store.js';
import type { TaskRecorder } from './usage/task-recorder.js';

export interface Lifecycle {
  /** Migrations applied and start-up work done. */
  ready: boolean;
  /** SIGTERM received: finishing in-flight requests, refusing readiness. */
  draining: boolean;
  startedAt: Date;
}

export type { InferenceSettings, ServerSettings } from './settings.js';

export interface Services {
  database: Database;
  blobs: BlobStore;
  clock: () => Date;
  logger: Logger;
  settings: ServerSettings;
  lifecycle: Lifecycle;
  metrics: Registry;
  /** Where modules record every task that ran (written in bulk; usage, billing and project counters). */
  tasks: TaskRecorder;
}
