/**
 * Whether a dataset can train a model: its feature count must be the last dimension of the model's
 * first input, and, when the first output is a classifier over C classes (last dimension C > 1), the
 * labels must be class indices in [0, C). A float (regression) label needs an output of one value. A
 * symbolic dimension (a name or -1) is not checked. A mismatch is a 400 naming the problem.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import type { TensorInfo } from '../../platform/db/schema.js';
import type { DatasetRow } from './dataset-record.js';

export interface ModelSignature {
  id?: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

type DatasetFacts = Pick<DatasetRow, 'id' | 'columns' | 'labelType' | 'labelMin' | 'labelMax'>;

const lastDimension = (tensor: TensorInfo | undefined): number | undefined => {
  const last = tensor?.shape.at(-1);
  return typeof last === 'number' && last > 0 ? last : undefined;
};

export function checkDatasetFitsModel(dataset: DatasetFacts, model: ModelSignature): void {
  const problem = (message: string) =>
    new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `Dataset '${dataset.id}' does not fit model${model.id ? ` '${model.id}'` : ''}: ${message}`,
    );
  const input = model.inputs[0];
  if (!input) throw problem('the model has no inputs');
  const features = lastDimension(input);
  if (features !== undefined && features !== dataset.columns.length)
    throw problem(
      `the dataset has ${dataset.columns.length} feature columns but the model's input '${input.name}' takes ${features} values per row`,
    );
  const output = model.outputs[0];
  const classes = lastDimension(output);
  if (output === undefined || classes === undefined || classes === 1) return;
  if (dataset.labelType === 'float')
    throw problem(
      `the labels are floats (regression targets) but the model's output '${output.name}' has ${classes} values per row; a float label needs an output of one value`,
    );
  if (dataset.labelMin < 0 || dataset.labelMax >= classes)
    throw problem(
      `the labels run from ${dataset.labelMin} to ${dataset.labelMax} but the model's output '${output.name}' has ${classes} classes (labels 0 to ${classes - 1})`,
    );
}
