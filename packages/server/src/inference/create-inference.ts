/**
 * Assembles the inference machinery of one server: worker pool, engine (dynamic batcher), its metrics,
 * model lookup, job repository and job runner, and the hook that drops a model's sessions and cached
 * rows when it changes or is deleted.
 */
import { jobRepository } from '../areas/inference/job-repository.js';
import { createJobRunner } from '../areas/inference/job-runner.js';
import { modelLookup } from '../areas/inference/model-lookup.js';
import { STACKED_SLICE_BYTES } from '../areas/inference/stacked-storage.js';
import type { InferenceDeps } from '../areas/inference/index.js';
import type { ModelChanged } from '../areas/models/index.js';
import { modelRepository } from '../areas/models/model-repository.js';
import type { Services } from '../services.js';
import { createInferenceEngine } from './inference-engine.js';
import { createInferenceMetrics } from './inference-metrics.js';
import { createWorkerPool } from './worker-pool.js';

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
