/**
 * The inference module: the engine (worker threads running ONNX Runtime, with a dynamic batcher), the
 * job repository and runner for async and batch jobs, and the area. Models come from the models module;
 * when one changes or goes, its cached rows and loaded sessions are dropped.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { ModelsModule } from '../models/module.js';
import { createInferenceEngine } from './engine/inference-engine.js';
import { createInferenceMetrics } from './engine/inference-metrics.js';
import { createWorkerPool } from './engine/worker-pool.js';
import { inferenceArea } from './http/inference.js';
import { inferenceUseCases } from './inference-use-cases.js';
import { jobRepository } from './jobs/job-repository.js';
import { createJobRunner } from './jobs/job-runner.js';
import { modelLookup } from './requests/model-lookup.js';

export function createInferenceModule(platform: Services, deps: { models: ModelsModule }) {
  const settings = platform.settings.inference;
  const pool = createWorkerPool({
    ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
    ...(settings.intraOpNumThreads !== undefined ? { intraOpNumThreads: settings.intraOpNumThreads } : {}),
    maxSessions: settings.maxSessions,
  });
  const engine = createInferenceEngine(pool, createInferenceMetrics(platform.metrics), settings);
  const models = modelLookup(deps.models.catalog, platform.blobs);
  const jobs = jobRepository(platform.database.db);
  const runner = createJobRunner({
    jobs,
    engine,
    models,
    blobs: platform.blobs,
    logger: platform.logger,
    clock: platform.clock,
    options: { leaseMs: settings.leaseMs, pollMs: settings.pollMs },
  });
  const stopListening = deps.models.catalog.onChanged(({ tenantId, modelId, checksum, fileRemoved }) => {
    models.invalidate(tenantId, modelId);
    if (fileRemoved) engine.release(checksum);
  });
  const useCases = inferenceUseCases({
    engine,
    models,
    jobs,
    runner,
    blobs: platform.blobs,
    clock: platform.clock,
    chunkSize: settings.chunkSize,
    stackedSliceBytes: settings.stackedSliceBytes,
  });

  return {
    areas: [inferenceArea(useCases)],
    start() {
      if (settings.runJobs) runner.start();
    },
    /** Stops the job runner (in-flight slices finish) and the inference workers. */
    async stop() {
      stopListening();
      await runner.stop();
      await pool.close();
    },
  } satisfies Module;
}
