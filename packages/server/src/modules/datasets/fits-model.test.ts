/** checkDatasetFitsModel: feature count against the model's first input, labels against its classes. */
import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../../platform/http/problem.js';
import { checkDatasetFitsModel, type ModelSignature } from './fits-model.js';

const classifier: ModelSignature = {
  id: 'model_abcd',
  inputs: [{ name: 'input', type: 'float32', shape: ['batch', 4] }],
  outputs: [{ name: 'probabilities', type: 'float32', shape: ['batch', 3] }],
};
const regressor: ModelSignature = {
  inputs: [{ name: 'features', type: 'float32', shape: [-1, 2] }],
  outputs: [{ name: 'y', type: 'float32', shape: [-1, 1] }],
};
const iris = { id: 'ds_iris', columns: ['a', 'b', 'c', 'd'], labelType: 'class' as const, labelMin: 0, labelMax: 2 };

const problemOf = (run: () => void) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).status).toBe(400);
    expect((error as ApiProblem).code).toBe('VALIDATION_ERROR');
    return (error as ApiProblem).message;
  }
  throw new Error('expected a 400');
};

describe('checkDatasetFitsModel', () => {
  it('accepts matching features and labels within the classes', () => {
    expect(() => checkDatasetFitsModel(iris, classifier)).not.toThrow();
    const target = { id: 'ds_t', columns: ['x', 'y'], labelType: 'float' as const, labelMin: -2.5, labelMax: 9.1 };
    expect(() => checkDatasetFitsModel(target, regressor)).not.toThrow();
  });

  it('accepts any feature count for a symbolic last dimension', () => {
    const free = { ...classifier, inputs: [{ name: 'input', type: 'float32', shape: ['batch', 'n'] }] };
    expect(() => checkDatasetFitsModel({ ...iris, columns: ['a'] }, free)).not.toThrow();
  });

  it('names a feature count that differs from the input', () => {
    expect(problemOf(() => checkDatasetFitsModel({ ...iris, columns: ['a', 'b', 'c'] }, classifier))).toBe(
      "Dataset 'ds_iris' does not fit model 'model_abcd': the dataset has 3 feature columns but the model's input 'input' takes 4 values per row",
    );
  });

  it('names labels outside [0, C)', () => {
    expect(problemOf(() => checkDatasetFitsModel({ ...iris, labelMax: 3 }, classifier))).toMatch(
      /labels run from 0 to 3 but the model's output 'probabilities' has 3 classes \(labels 0 to 2\)/,
    );
    expect(problemOf(() => checkDatasetFitsModel({ ...iris, labelMin: -1 }, classifier))).toMatch(/from -1 to 2/);
  });

  it('refuses float labels for a classifier output and a model without inputs', () => {
    expect(problemOf(() => checkDatasetFitsModel({ ...iris, labelType: 'float' }, classifier))).toMatch(
      /labels are floats .* 3 values per row/,
    );
    expect(problemOf(() => checkDatasetFitsModel(iris, { inputs: [], outputs: [] }))).toMatch(/has no inputs/);
  });
});
