/**
 * The training area's use-cases, within one tenant: start (every check a 400 before anything is stored),
 * get, pause, resume, cancel. State changes are single conditional statements, so a request racing the
 * runner never loses or doubles a transition.
 */
import { randomId } from '../../platform/http/ids.js';
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { DatasetsModule } from '../datasets/module.js';
import type { ModelCatalog } from '../models/module.js';
import { eligibleDevices, type TrainingDevice } from './eligible-devices.js';
import { checkData, prepareModel } from './prepare-training.js';
import type { TrainingConfig, TrainingProgress } from './training-config.js';
import type { TrainingRepository, TrainingRow } from './training-repository.js';

export interface StartRequest {
  model_id: string;
  data_config: Omit<TrainingConfig['data_config'], 'total_samples' | 'validation_split' | 'seed' | 'batch_size'> & {
    total_samples?: number;
    batch_size?: number;
    validation_split?: number;
    seed?: number;
  };
  training_config: Partial<TrainingConfig['training_config']>;
  resource_config?: Partial<TrainingConfig['resource_config']>;
  project_id?: string;
}

export function trainingUseCases(deps: {
  repository: TrainingRepository;
  models: ModelCatalog;
  datasets: DatasetsModule;
  /** The built-in device and the tenant's devices connected to this process. */
  devices: (tenantId: string) => TrainingDevice[];
  /** How many devices of this process the job would get now beside the jobs running here (0: it waits). */
  estimate: (tenantId: string, config: TrainingConfig) => number;
  clock: () => Date;
  queued: () => void;
  maxSamplePasses: number;
  /** Creates the job's project if missing and counts its step batches as submitted tasks. */
  submitToProject?: (tenantId: string, projectId: string, batches: number) => Promise<void>;
}) {
  const { repository, clock } = deps;
  async function get(tenantId: string, id: string): Promise<TrainingRow> {
    const row = await repository.get(tenantId, id);
    if (!row) throw notFound('Training job', id);
    return row;
  }
  async function move(
    tenantId: string,
    id: string,
    from: TrainingRow['status'][],
    to: TrainingRow['status'],
    code: 'CANNOT_PAUSE' | 'CANNOT_CANCEL',
  ) {
    const row = await repository.transition(tenantId, id, from, to, clock());
    if (row) return row;
    const current = await get(tenantId, id);
    throw new ApiProblem(
      409,
      code,
      `Training job '${id}' is ${current.status}; only a ${from.join(' or ')} job can be ${to === 'queued' ? 'resumed' : to}`,
    );
  }

  return {
    async start(tenantId: string, body: StartRequest) {
      const tc = body.training_config;
      const model = await prepareModel(deps.models, tenantId, body.model_id, tc.loss);
      const totalSamples = await checkData(deps.datasets, tenantId, model, body.data_config);
      const resources = { min_devices: 1, prefer_gpu: false, ...body.resource_config };
      eligibleDevices(deps.devices(tenantId), resources);
      const config: TrainingConfig = {
        data_config: {
          batch_size: 32,
          validation_split: 0.2,
          seed: 1,
          ...body.data_config,
          total_samples: totalSamples,
        },
        training_config: {
          epochs: 10,
          learning_rate: 0.001,
          optimizer: 'adam',
          momentum: 0,
          local_steps: 50,
          sync_mode: 'async',
          sync_interval_ms: 60_000,
          ...tc,
        },
        resource_config: resources,
      };
      const passes = config.training_config.epochs * totalSamples;
      if (passes > deps.maxSamplePasses)
        throw new ApiProblem(
          400,
          'VALIDATION_ERROR',
          `epochs * total_samples is ${passes}; this server trains at most ${deps.maxSamplePasses} sample passes per job (TRAINING_MAX_SAMPLE_PASSES)`,
        );
      const train =
        totalSamples -
        Math.max(1, Math.min(totalSamples - 1, Math.round(totalSamples * config.data_config.validation_split)));
      const epochs = config.training_config.epochs;
      const progress: TrainingProgress = {
        current_epoch: 0,
        total_epochs: epochs,
        batches_completed: 0,
        total_batches: epochs * Math.ceil(train / config.data_config.batch_size),
        percent_complete: 0,
        current_loss: null,
        best_loss: null,
        accuracy: null,
        best_accuracy: null,
      };
      const now = clock();
      if (body.project_id !== undefined)
        await deps.submitToProject?.(tenantId, body.project_id, progress.total_batches);
      const row = await repository.create({
        projectId: body.project_id ?? null,
        id: randomId('train'),
        tenantId,
        modelId: body.model_id,
        status: 'queued',
        config: config as unknown as Record<string, unknown>,
        loss: { kind: model.step.loss, inferred: model.step.lossInferred },
        progress: progress as unknown as Record<string, unknown>,
        createdAt: now,
        updatedAt: now,
      });
      deps.queued();
      return { row, estimatedDevices: deps.estimate(tenantId, config) };
    },
    get,
    pause: (tenantId: string, id: string) => move(tenantId, id, ['queued', 'running'], 'paused', 'CANNOT_PAUSE'),
    async resume(tenantId: string, id: string) {
      const row = await move(tenantId, id, ['paused'], 'queued', 'CANNOT_PAUSE');
      deps.queued();
      return row;
    },
    cancel: (tenantId: string, id: string) =>
      move(tenantId, id, ['queued', 'running', 'paused'], 'cancelled', 'CANNOT_CANCEL'),
  };
}

export type TrainingUseCases = ReturnType<typeof trainingUseCases>;
