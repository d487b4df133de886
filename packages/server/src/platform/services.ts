/**
 * Everything a handler may use, built once per app by createApp(): the database, file storage, clock,
 * configuration, metrics and the server's lifecycle state. Handlers receive it explicitly.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Database } from './db/database.js';
import type { SessionSettings } from '../config.js';
import type { ProviderSettings } from '../providers/create-providers.js';
import type { BlobStore } from './storage/blob-store.js';

export interface Lifecycle {
  /** Migrations applied and start-up work done. */
  ready: boolean;
  /** SIGTERM received: finishing in-flight requests, refusing readiness. */
  draining: boolean;
  startedAt: Date;
}

export interface ServerSettings {
  version: string;
  /** Largest model file accepted, in bytes. */
  maxModelBytes: number;
  /** Largest non-multipart request body, in bytes. */
  maxJsonBytes: number;
  /** Largest batch inference body, in bytes. */
  maxBatchBytes: number;
  inference: InferenceSettings;
  sessions: SessionSettings;
  marketplace: ProviderSettings & {
    /** How often offers are refreshed from every provider. */
    refreshMs: number;
  };
}

export interface InferenceSettings {
  /** Worker threads running models (default: cores, at most 4). */
  workers?: number;
  /** ONNX Runtime intra-op threads per session (default: cores / workers). */
  intraOpNumThreads?: number;
  /** Sessions cached per worker (LRU). */
  maxSessions: number;
  /** Rows stacked into one run() at most. */
  maxBatchSize: number;
  /** How long a partial batch may wait for more rows, in microseconds (0: go as soon as a worker is free). */
  maxQueueDelayUs: number;
  /** Requests waiting in the engine at most; beyond it, 429. */
  maxQueue: number;
  /** Inputs per stored job slice. */
  chunkSize: number;
  /** Input bytes per stored slice of a stacked batch (default 1 MiB; see stacked-storage.ts). */
  stackedSliceBytes?: number;
  /** How long a claimed slice stays with its server without a renewal. */
  leaseMs: number;
  /** Idle interval of the job runner's database poll. */
  pollMs: number;
  /** Run the job runner in this process. */
  runJobs: boolean;
}

export interface Services {
  database: Database;
  blobs: BlobStore;
  clock: () => Date;
  logger: Logger;
  settings: ServerSettings;
  lifecycle: Lifecycle;
  metrics: Registry;
}
