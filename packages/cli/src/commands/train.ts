/**
 * `computeplane train <model> --dataset <id>|--stream`: starts a training job and follows it to the end (live
 * progress and loss curve, train-progress.ts), then prints a summary with the saved model; `--detach`
 * returns once it started. `train status|pause|resume|cancel <job>` act on a job.
 */
import { Option, type Command } from 'commander';
import {
  cancelTraining,
  getTraining,
  pauseTraining,
  resumeTraining,
  startTraining,
  waitForTraining,
  type TrainingJob,
  type TrainingRequest,
} from '@computeplane/sdk/training';
import { action, type CommandContext } from '../core/context.js';
import { CommandError, UsageError } from '../core/errors.js';
import { withExamples } from '../core/help.js';
import { collect, parseCount, parseNumber } from '../core/input.js';
import { epochLine, formatLoss, formatPercent, startTrainingView } from './train-progress.js';

interface StartFlags {
  dataset?: string;
  stream?: boolean;
  samples?: number;
  batchSize?: number;
  validationSplit?: number;
  seed?: number;
  epochs?: number;
  learningRate?: number;
  optimizer?: 'sgd' | 'adam';
  momentum?: number;
  loss?: 'cross_entropy' | 'mse';
  localSteps?: number;
  syncMode?: 'async' | 'semi_sync' | 'full_sync';
  syncInterval?: number;
  targetAccuracy?: number;
  minDevices?: number;
  maxDevices?: number;
  preferGpu?: boolean;
  sdkType?: string[];
  minSdkVersion?: string;
  project?: string;
  detach?: boolean;
}

export function registerTrain(program: Command): void {
  const train = program
    .command('train')
    .description('train a model on a dataset or the synthetic stream, following its progress; or act on a job')
    .argument('<model>', 'the ONNX model to train (model id)')
    .option('--dataset <dataset>', 'train on this uploaded dataset (ds_...)')
    .option('--stream', 'train on the synthetic stream (samples from a hidden teacher shaped like the model)')
    .option('--samples <n>', 'samples per epoch, held-out split included', parseCount('--samples'))
    .option('--batch-size <n>', 'samples per train step (default 32)', parseCount('--batch-size'))
    .option(
      '--validation-split <share>',
      'share held out to measure loss and accuracy (default 0.2)',
      parseNumber('--validation-split'),
    )
    .option('--seed <n>', "seed of the stream's teacher and of the shuffling", parseCount('--seed', { min: 0 }))
    .option('--epochs <n>', 'epochs (default 10)', parseCount('--epochs'))
    .option('--learning-rate <rate>', 'learning rate (default 0.001)', parseNumber('--learning-rate'))
    .addOption(new Option('--optimizer <optimizer>', 'optimizer (default adam)').choices(['sgd', 'adam']))
    .option('--momentum <m>', 'SGD momentum (default 0)', parseNumber('--momentum'))
    .addOption(new Option('--loss <loss>', "loss (default: from the model's output)").choices(['cross_entropy', 'mse']))
    .option(
      '--local-steps <n>',
      'batches a device trains between synchronisations (default 50)',
      parseCount('--local-steps'),
    )
    .addOption(
      new Option('--sync-mode <mode>', 'weight synchronisation (default async)').choices([
        'async',
        'semi_sync',
        'full_sync',
      ]),
    )
    .option(
      '--sync-interval <ms>',
      'async/semi_sync: how often a device pulls the newest weights',
      parseCount('--sync-interval', { min: 0 }),
    )
    .option(
      '--target-accuracy <share>',
      'stop once the held-out accuracy reaches this (0-1)',
      parseNumber('--target-accuracy'),
    )
    .option('--min-devices <n>', 'devices the job needs (default 1)', parseCount('--min-devices'))
    .option('--max-devices <n>', 'devices the job may use', parseCount('--max-devices'))
    .option('--prefer-gpu', 'prefer devices with a GPU')
    .option('--sdk-type <type>', 'only devices of this SDK type, e.g. nodejs (repeatable)', collect)
    .option('--min-sdk-version <version>', 'only devices whose SDK version is at least this')
    .option('--project <project>', 'count the job towards this project (created if new)')
    .option('--detach', 'return once the job started (print its id) instead of following it');
  withExamples(
    train.action(
      action<[string], StartFlags>(async (ctx, model, flags) => {
        const body = trainingRequest(model, flags);
        const accepted = await ctx.call(startTraining(ctx.client, { body }, { signal: ctx.signal }));
        const jobId = accepted.job_id;
        if (flags.detach) {
          ctx.out.result(accepted, () => {
            ctx.out.line(jobId);
            ctx.out.note(
              `Started training job ${jobId} (${accepted.status}). Follow it: computeplane train status ${jobId} --follow`,
            );
          });
          return;
        }
        ctx.onInterrupt(
          () => cancelTraining(ctx.client, { params: { path: { jobId } } }),
          `training job ${jobId} keeps running; follow it with: computeplane train status ${jobId} --follow (stop it: computeplane train cancel ${jobId})`,
        );
        ctx.out.note(`Started training job ${jobId}.`);
        await finish(ctx, await follow(ctx, jobId));
      }),
    ),
    [
      'computeplane train model_k3v9x2m4q7r8 --dataset ds_k3v9x2m4q7r8 --epochs 20 --learning-rate 0.05',
      'computeplane train model_k3v9x2m4q7r8 --stream --samples 2000 --target-accuracy 0.9 --cancel-on-interrupt',
      'computeplane train model_k3v9x2m4q7r8 --stream --detach',
      'computeplane train status train_k3v9x2m4q7r8 --follow',
    ],
  );

  withExamples(
    train
      .command('status')
      .description("show a training job's status and progress (--follow: until it ends)")
      .argument('<job>', 'training job id')
      .option('--follow', 'follow the job until it ends, with live progress')
      .action(
        action<[string], { follow?: boolean }>(async (ctx, jobId, flags) => {
          if (flags.follow) return finish(ctx, await follow(ctx, jobId));
          const job = await ctx.call(getTraining(ctx.client, { params: { path: { jobId } } }, { signal: ctx.signal }));
          ctx.out.result(job, () => printTrainingJob(ctx, job));
        }),
      ),
    ['computeplane train status train_k3v9x2m4q7r8', 'computeplane train status train_k3v9x2m4q7r8 --follow --json'],
  );

  const act = (
    name: 'pause' | 'resume' | 'cancel',
    description: string,
    call: typeof pauseTraining,
    done: (job: TrainingJob) => string,
  ) =>
    withExamples(
      train
        .command(name)
        .description(description)
        .argument('<job>', 'training job id')
        .action(
          action<[string], object>(async (ctx, jobId) => {
            const job = await ctx.call(call(ctx.client, { params: { path: { jobId } } }, { signal: ctx.signal }));
            ctx.out.result(job, () => ctx.out.line(done(job)));
          }),
        ),
      [`computeplane train ${name} train_k3v9x2m4q7r8`],
    );
  act(
    'pause',
    'pause a queued or running job (it checkpoints the round in flight)',
    pauseTraining,
    (job) => `Paused training job ${job.job_id} at ${epochLine(job)}. Resume: computeplane train resume ${job.job_id}`,
  );
  act(
    'resume',
    'resume a paused job from its last checkpoint',
    resumeTraining,
    (job) => `Resumed training job ${job.job_id} (${job.status}) at ${epochLine(job)}.`,
  );
  act(
    'cancel',
    'cancel a queued, running or paused job (nothing more is saved)',
    cancelTraining,
    (job) => `Cancelled training job ${job.job_id} at ${epochLine(job)}.`,
  );
}

function trainingRequest(model: string, flags: StartFlags): TrainingRequest {
  if (Boolean(flags.dataset) === Boolean(flags.stream))
    throw new UsageError('train needs one data source: --dataset <dataset> or --stream');
  const data_config: TrainingRequest['data_config'] = flags.dataset
    ? { type: 'dataset', dataset_id: flags.dataset }
    : { type: 'stream' };
  const training_config: TrainingRequest['training_config'] = {};
  const resource_config: NonNullable<TrainingRequest['resource_config']> = {};
  const set = <T extends object>(target: T, key: keyof T, value: unknown) => {
    if (value !== undefined) (target as Record<keyof T, unknown>)[key] = value;
  };
  set(data_config, 'total_samples', flags.samples);
  set(data_config, 'batch_size', flags.batchSize);
  set(data_config, 'validation_split', flags.validationSplit);
  set(data_config, 'seed', flags.seed);
  set(training_config, 'epochs', flags.epochs);
  set(training_config, 'learning_rate', flags.learningRate);
  set(training_config, 'optimizer', flags.optimizer);
  set(training_config, 'momentum', flags.momentum);
  set(training_config, 'loss', flags.loss);
  set(training_config, 'local_steps', flags.localSteps);
  set(training_config, 'sync_mode', flags.syncMode);
  set(training_config, 'sync_interval_ms', flags.syncInterval);
  set(training_config, 'target_accuracy', flags.targetAccuracy);
  set(resource_config, 'min_devices', flags.minDevices);
  set(resource_config, 'max_devices', flags.maxDevices);
  set(resource_config, 'prefer_gpu', flags.preferGpu);
  set(resource_config, 'sdk_types', flags.sdkType);
  set(resource_config, 'min_sdk_version', flags.minSdkVersion);
  const body: TrainingRequest = { model_id: model, data_config, training_config };
  if (Object.keys(resource_config).length > 0) body.resource_config = resource_config;
  if (flags.project !== undefined) body.project_id = flags.project;
  return body;
}

/** Polls the job until it ends, showing its progress; Ctrl-C aborts the wait. */
async function follow(ctx: CommandContext, jobId: string): Promise<TrainingJob> {
  const view = startTrainingView(ctx);
  try {
    return await waitForTraining(ctx.client, jobId, {
      signal: ctx.signal,
      intervalMs: 250,
      maxIntervalMs: 500,
      onProgress: (_progress, job) => view.update(job),
    });
  } finally {
    view.stop();
  }
}

/** The final job (as the API returned it with --json); exit 1 unless it completed. */
async function finish(ctx: CommandContext, job: TrainingJob): Promise<void> {
  ctx.out.result(job, () => printTrainingJob(ctx, job));
  if (job.status !== 'completed')
    throw new CommandError(`training job ${job.job_id} ${job.status}${job.error ? `: ${job.error}` : ''}`);
}

export function printTrainingJob(ctx: CommandContext, job: TrainingJob): void {
  const p = job.progress;
  const { data_config: data, training_config: training } = job.config;
  ctx.out.fields([
    ['job', job.job_id],
    ['status', job.status],
    ['model', job.model_id],
    [
      'data',
      data.type === 'dataset'
        ? `dataset ${data.dataset_id} (${data.total_samples} samples)`
        : `stream (${data.total_samples} samples)`,
    ],
    [
      'training',
      `${training.optimizer}, lr ${training.learning_rate}, ${job.loss.kind} loss${job.loss.inferred ? ' (inferred)' : ''}`,
    ],
    ['epoch', `${p.current_epoch}/${p.total_epochs}`],
    ['batches', `${p.batches_completed}/${p.total_batches} (${p.percent_complete.toFixed(1)}%)`],
    ['loss', `${formatLoss(p.current_loss)} (best ${formatLoss(p.best_loss)})`],
    [
      'accuracy',
      p.accuracy === null ? undefined : `${formatPercent(p.accuracy)} (best ${formatPercent(p.best_accuracy)})`,
    ],
    ['devices', job.assigned_devices.length > 0 ? job.assigned_devices : undefined],
    ['saved model', job.result_model_id ?? undefined],
    ['error', job.error ?? undefined],
    ['created', job.created_at],
    ['completed', job.completed_at ?? undefined],
  ]);
}
