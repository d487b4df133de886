/**
 * The inference module: the engine (worker threads running ONNX Runtime, with a dynamic batcher), the
 * job repository and runner for async and batch jobs, a runner per device connected to this process
 * (devices module), the sync router, and the area. Models come from the models module; when one changes
 * or goes, its cached rows and loaded sessions are dropped.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { ComputeModule } from '../compute/module.js';
import type { DevicesModule } from '../devices/module.js';
import type { ModelsModule } from '../models/module.js';
import { createDeviceEngine } from './engine/device-engine.js';
import { createInferenceEngine } from './engine/inference-engine.js';
import { createInferenceMetrics } from './engine/inference-metrics.js';
import { createWorkerPool } from './engine/worker-pool.js';
import { inferenceArea } from './http/inference.js';
import { inferenceUseCases } from './inference-use-cases.js';
import { jobRepository } from './jobs/job-repository.js';
import { cancelProjectInference } from './jobs/project-jobs.js';
import { createDeviceRunners } from './jobs/device-runners.js';
import { createJobRunner } from './jobs/job-runner.js';
import { modelLookup } from './requests/model-lookup.js';
import { createSyncRouter } from './requests/sync-router.js';
import { builtinPlace, devicePlace, recordSlice } from './task-records.js';
import { createPeerPlacement } from './requests/peer-routing.js';

export function createInferenceModule(
  platform: Services,
  deps: {
    models: ModelsModule;
    devices: Pick<DevicesModule, 'executors' | 'builtinId'>;
    compute?: Pick<ComputeModule, 'routing'>;
  },
) {
  const local = builtinPlace(deps.devices.builtinId);
  const recorder = platform.tasks;
  const settings = platform.settings.inference;
  const pool = createWorkerPool({
    ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
    ...(settings.intraOpNumThreads !== undefined ? { intraOpNumThreads: settings.intraOpNumThreads } : {}),
    maxSessions: settings.maxSessions,
  });
  const engine = createInferenceEngine(pool, createInferenceMetrics(platform.metrics), settings);
  const models = modelLookup(deps.models.catalog, platform.blobs);
  const jobs = jobRepository(platform.database.db);
  const staleBefore = () => new Date(platform.clock().getTime() - platform.settings.devices.offlineAfterMs);
  const peers = deps.compute ? createPeerPlacement(deps.compute.routing, engine.options) : undefined;
  const runner = createJobRunner({
    jobs,
    engine,
    // Slices of a job that names a healthy peer run there (a call the peer cannot take runs here).
    ...(peers
      ? {
          engineFor: async (job) => {
            const peer = await peers.forJob(job.tenantId, job.options as Record<string, unknown>);
            return peer && peers.withFallback(peer, engine);
          },
        }
      : {}),
    models,
    blobs: platform.blobs,
    logger: platform.logger,
    clock: platform.clock,
    options: { leaseMs: settings.leaseMs, pollMs: settings.pollMs },
    // The built-in engine leaves prefer_gpu jobs to a GPU device while the tenant has one online.
    placement: { scope: () => ({ gpu: false, staleBefore: staleBefore() }) },
    onSliceDone: (done) => recordSlice(recorder, local, done, platform.clock()),
  });
  const executors = deps.devices.executors;
  const deviceRunners = createDeviceRunners({
    executors,
    jobs,
    models,
    blobs: platform.blobs,
    logger: platform.logger,
    clock: platform.clock,
    engineOptions: engine.options,
    leaseMs: settings.leaseMs,
    pollMs: settings.pollMs,
    offlineAfterMs: platform.settings.devices.offlineAfterMs,
    onSliceDone: (device, done) => recordSlice(recorder, devicePlace(device), done, platform.clock()),
  });
  const router = createSyncRouter({ connected: executors.connected, engine });
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
    devices: {
      router,
      engineFor: (deviceId) => createDeviceEngine({ deviceId, run: executors.run }, engine.options, executors.classify),
      notify: () => deviceRunners.notify(),
      gpuOnline: executors.gpuOnline,
    },
    usage: {
      recorder,
      local,
      device: (deviceId) => {
        const device = executors.connected().find((d) => d.deviceId === deviceId);
        return device ? devicePlace(device) : { deviceId, deviceKind: 'user', processor: 'cpu' };
      },
    },
    ...(peers ? { peers } : {}),
  });

  return {
    areas: [inferenceArea(useCases)],
    /** Running requests (the dashboard's benchmarks). */
    useCases,
    /** Cancels the project's async and batch jobs that have not ended; their ids. */
    cancelProjectJobs: (tenantId: string, projectId: string) =>
      cancelProjectInference(platform.database.db, jobs, tenantId, projectId, platform.clock()),
    start() {
      if (settings.runJobs) runner.start();
      // Connected devices take slices even where INFERENCE_RUN_JOBS=false (the built-in engine then takes none).
      deviceRunners.start();
    },
    /** Stops the job runner (in-flight slices finish) and the inference workers. */
    async stop() {
      stopListening();
      await Promise.all([runner.stop(), deviceRunners.stop()]);
      await pool.close();
    },
  } satisfies Module & Record<string, unknown>;
}

export type InferenceModule = ReturnType<typeof createInferenceModule>;
