/**
 * The training module: training jobs (table `training_jobs`), their runner (every server process claims due
 * jobs with a lease and trains them at once, sharing its devices among them by weight) and the training area.
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
import { createDeviceScheduler } from './device-scheduler.js';
import { createTrainingRunner } from './training-runner.js';
import { trainingUseCases } from './training-use-cases.js';
import { cancelProjectTraining } from './project-jobs.js';
import { trainingRecords } from './training-records.js';

export function createTrainingModule(
  platform: Services,
  deps: { models: ModelsModule; datasets: DatasetsModule; devices: DevicesModule },
) {
  const repository = trainingRepository(platform.database.db);
  const device = deps.devices.builtinId;
  const scheduler = createDeviceScheduler(deps.devices, device);
  const runner = createTrainingRunner({
    scheduler,
    tenantsElsewhere: () => deps.devices.tenantsOnlineElsewhere(),
    repository,
    models: deps.models.catalog,
    datasets: deps.datasets,
    device,
    devices: deps.devices,
    clock: platform.clock,
    logger: platform.logger,
    leaseMs: platform.settings.inference.leaseMs,
    pollMs: platform.settings.inference.pollMs,
    onCheckpoint: trainingRecords({
      recorder: platform.tasks,
      clock: platform.clock,
      builtinId: device,
      connected: () => deps.devices.connected(),
      builtinPower: () => deps.devices.builtinPowerWatts(),
    }),
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
    estimate: (tenantId, config) => scheduler.estimate({ tenantId, config }),
    clock: platform.clock,
    submitToProject: (tenantId, projectId, batches) =>
      platform.tasks.projects.submit(tenantId, projectId, 'training', batches),
    queued: () => runner.nudge(),
    maxSamplePasses: platform.settings.maxTrainingSamplePasses,
  });
  return {
    areas: [trainingArea(useCases)],
    /** Starting jobs (the dashboard's training benchmarks). */
    useCases,
    /** Cancels the project's training jobs that have not ended; their ids. */
    cancelProjectJobs: (tenantId: string, projectId: string) =>
      cancelProjectTraining(platform.database.db, repository, tenantId, projectId, platform.clock()),
    /** A training job as its API shows it (the compute module's shared jobs registry reads it). */
    job: async (tenantId: string, id: string) => toTrainingJob(await useCases.get(tenantId, id)),
    start() {
      if (platform.settings.inference.runJobs) runner.start();
    },
    stop: () => runner.stop(),
  } satisfies Module & Record<string, unknown>;
}

export type TrainingModule = ReturnType<typeof createTrainingModule>;
