/**
 * Assembles the inference machinery of one server: worker pool, engine (dynamic batcher), its metrics,
 * model lookup, job repository and job runner, and the hook that drops a model's sessions and cached
 * rows when it changes or is deleted.
 */
import { jobRepository } from './jobs/job-repository.js';
import { createJobRunner } from './jobs/job-runner.js';
import { modelLookup } from './requests/model-lookup.js';
import { STACKED_SLICE_BYTES } from './jobs/stacked-storage.js';
import type { InferenceDeps } from './http/inference.js';
import type { ModelChanged } from '../models/http/models.js';
import { modelRepository } from '../models/model-repository.js';
import type { Services } from '../../platform/services.js';
import { createInferenceEngine } from './engine/inference-engine.js';
import { createInferenceMetrics } from './engine/inference-metrics.js';
import { createWorkerPool } from './engine/worker-pool.js';

export function createInference(services: Services) {
  const settings = services.settings.inference;
  const pool = createWorkerPool({
    ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
    ...(settings.intraOpNumThreads !== undefined ? { intraOpNumThreads: settings.intraOpNumThreads } : {}),
    maxSessions: settings.maxSessions,
  });
  const engine = createInferenceEngine(pool, createInferenceMetrics(services.metrics), settings);
  const models = modelLookup(modelRepository(services.database.db), services.blobs);
  const jobs = jobRepository(services.database.db, services.blobs);
  const runner = createJobRunner({
    jobs,
    engine,
    models,
    blobs: services.blobs,
    logger: services.logger,
    clock: services.clock,
    options: { leaseMs: settings.leaseMs, pollMs: settings.pollMs },
  });
  const deps: InferenceDeps = { engine, models, jobs, runner, chunkSize: settings.chunkSize, stackedSliceBytes: settings.stackedSliceBytes ?? STACKED_SLICE_BYTES };

  const onModelChanged: ModelChanged = ({ tenantId, modelId, checksum, fileRemoved }) => {
    models.invalidate(tenantId, modelId);
    if (fileRemoved) engine.release(checksum);
  };

  return {
    deps,
    onModelChanged,
    async close() {
      await runner.stop();
      await pool.close();
    },
  };
}
