/**
 * What a job needs before it trains, checked at submission and rebuilt by the runner: the model's file,
 * its train step (an operator without a gradient rule is a 400 naming it), the feed shapes, and, at run
 * time, the samples. A model that cannot train here is a 400 that says why.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import type { DatasetsModule } from '../datasets/module.js';
import { checkDatasetFitsModel } from '../datasets/module.js';
import type { ModelCatalog, ModelRow } from '../models/module.js';
import type { FeedShape } from './engine/batches.js';
import { buildTrainStep, GradientGraphError, type TrainStep } from './engine/gradient-graph/index.js';
import { datasetSamples, splitSamples, syntheticSamples, type TrainingData } from './engine/training-data.js';
import type { TrainingConfig } from './training-config.js';

export interface PreparedModel {
  row: ModelRow;
  bytes: Uint8Array;
  step: TrainStep;
  shape: FeedShape;
}

const invalid = (message: string) => new ApiProblem(400, 'VALIDATION_ERROR', message);

function fixedDims(dims: (number | string)[], what: string): number[] {
  const rest = dims.slice(1);
  if (!rest.every((d): d is number => typeof d === 'number' && d > 0))
    throw invalid(
      `the model's ${what} must have fixed dimensions after the batch dimension; it has [${dims.join(', ')}]`,
    );
  return rest;
}

export async function prepareModel(
  models: ModelCatalog,
  tenantId: string,
  modelId: string,
  loss: TrainingConfig['training_config']['loss'],
): Promise<PreparedModel> {
  const row = await models.get(tenantId, modelId);
  if (row.format !== 'onnx') throw invalid(`Model '${modelId}' is ${row.format}: only ONNX models can be trained here`);
  const bytes = await models.fileByChecksum(tenantId, row.checksum);
  if (!bytes) throw new ApiProblem(404, 'NOT_FOUND', `Model '${modelId}' has no stored file`);
  let step: TrainStep;
  try {
    step = buildTrainStep(bytes, loss ? { loss } : {});
  } catch (error) {
    if (error instanceof GradientGraphError) throw invalid(`Model '${modelId}' cannot be trained: ${error.message}`);
    throw error;
  }
  if (step.dataInputs.length !== 1)
    throw invalid(`Model '${modelId}' has ${step.dataInputs.length} data inputs; training takes models with one`);
  const input = row.inputs.find((i) => i.name === step.dataInputs[0]);
  const output = row.outputs.find((o) => o.name === step.output);
  const inputDims = fixedDims(input?.shape ?? [], `input '${step.dataInputs[0]}'`);
  const outputDims = fixedDims(output?.shape ?? [], `output '${step.output}'`);
  return { row, bytes, step, shape: { inputDims, labelDims: step.labels.type === 'int64' ? [] : outputDims } };
}

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** Checks the dataset against the model at submission; answers the samples per epoch to use. */
export async function checkData(
  datasets: DatasetsModule,
  tenantId: string,
  model: PreparedModel,
  data: { type: 'stream' | 'dataset'; dataset_id?: string; total_samples?: number },
): Promise<number> {
  if (data.type === 'stream') return data.total_samples ?? 1000;
  if (!data.dataset_id) throw invalid('data_config.dataset_id is required with data_config.type "dataset"');
  const dataset = await datasets.catalog.get(tenantId, data.dataset_id);
  checkDatasetFitsModel(dataset, { id: model.row.id, inputs: model.row.inputs, outputs: model.row.outputs });
  if (product(model.shape.inputDims) !== dataset.columns.length)
    throw invalid(
      `Dataset '${dataset.id}' has ${dataset.columns.length} feature columns; the model takes ${product(model.shape.inputDims)}`,
    );
  if (model.step.labels.type !== 'int64' && product(model.shape.labelDims) !== 1)
    throw invalid(
      `Dataset '${dataset.id}' has one label per row; the model's output has ${product(model.shape.labelDims)} values`,
    );
  if (dataset.rows < 2) throw invalid(`Dataset '${dataset.id}' has ${dataset.rows} row; training needs at least 2`);
  return Math.min(dataset.rows, data.total_samples ?? 100_000);
}

/** The job's samples, split; the same for the same configuration. */
export async function loadData(
  datasets: DatasetsModule,
  tenantId: string,
  model: PreparedModel,
  config: TrainingConfig['data_config'],
): Promise<TrainingData> {
  const features = product(model.shape.inputDims);
  const classes = model.step.labels.type === 'int64';
  const outputs = classes
    ? Number(model.row.outputs.find((o) => o.name === model.step.output)?.shape.at(-1))
    : product(model.shape.labelDims);
  const labelWidth = classes ? 1 : outputs;
  const all =
    config.type === 'stream'
      ? syntheticSamples(
          { features, outputs, loss: classes ? 'cross_entropy' : 'mse' },
          config.total_samples,
          config.seed,
        )
      : await datasetSamples(
          datasets.readDatasetRows(await datasets.catalog.get(tenantId, config.dataset_id ?? '')),
          features,
          config.total_samples,
        );
  return splitSamples(all, { features, labelWidth }, config.validation_split, config.seed);
}
