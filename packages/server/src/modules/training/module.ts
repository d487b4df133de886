/**
 * The training module: training jobs (table `training_jobs`), their runner (every server process claims due
 * jobs with a lease and trains them on its built-in device, off the event loop) and the training area.
 * Trained weights are saved as a new model through the models catalog.
 */
import type { Module } from '../../platform/module.js';
import type { Services } from '../../platform/services.js';
import type { DatasetsModule } from '../datasets/module.js';
import type { DevicesModule } from '../devices/module.js';
import type { ModelsModule } from '../models/module.js';
import { toTrainingJob } from './training-view.js';
import { trainingArea } from './http/training.js';
import { trainingRepository } from './training-repository.js';
import { createTrainingRunner } from './training-runner.js';
import { trainingUseCases } from './training-use-cases.js';

export function createTrainingModule(
  platform: Services,
  deps: { models: ModelsModule; datasets: DatasetsModule; devices: DevicesModule },
) {
  const repository = trainingRepository(platform.database.db);
  const device = deps.devices.builtinId;
  const runner = createTrainingRunner({
    repository,
    models: deps.models.catalog,
    datasets: deps.datasets,
    device,
    devices: deps.devices,
    clock: platform.clock,
    logger: platform.logger,
    leaseMs: platform.settings.inference.leaseMs,
    pollMs: platform.settings.inference.pollMs,
  });
  const useCases = trainingUseCases({
    repository,
    models: deps.models.catalog,
    datasets: deps.datasets,
    // The built-in device, and the tenant's devices connected to this process that a job could use.
    devices: (tenantId: string) => [
      { id: device, sdkType: 'nodejs', sdkVersion: process.versions.node, gpu: false },
      ...deps.devices
        .connected()
        .filter((d) => d.tenantId === tenantId)
        .map((d) => ({
          id: d.deviceId,
          sdkType: d.capabilities.sdk_type,
          sdkVersion: d.capabilities.sdk_version,
          gpu: !!d.capabilities.gpu,
        })),
    ],
    clock: platform.clock,
    queued: () => runner.nudge(),
    maxSamplePasses: platform.settings.maxTrainingSamplePasses,
  });
  return {
    areas: [trainingArea(useCases)],
    /** A training job as its API shows it (the compute module's shared jobs registry reads it). */
    job: async (tenantId: string, id: string) => toTrainingJob(await useCases.get(tenantId, id)),
    start() {
      if (platform.settings.inference.runJobs) runner.start();
    },
    stop: () => runner.stop(),
  } satisfies Module & Record<string, unknown>;
}
