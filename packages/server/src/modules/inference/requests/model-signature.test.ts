/** Which signatures stack on axis 0, when stacked rows are tasks, and one size per symbolic dimension. */
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../../../platform/db/schema.js';
import { checkSymbolicDims, isStackable, whyRowsAreNotTasks } from './model-signature.js';

const t = (name: string, ...shape: (number | string)[]): TensorInfo => ({ name, type: 'float32', shape });
const vad = {
  inputs: [t('input', 'batch', 'samples'), t('state', 2, 'batch', 128), { ...t('sr'), type: 'int64' }],
  outputs: [t('output', 'batch', 1), t('stateN', 2, 'batch', 128)],
};

describe('isStackable', () => {
  it('holds for inputs and outputs that share a free dimension 0', () => {
    expect(isStackable({ inputs: [t('x', 'batch', 4)], outputs: [t('y', 'batch', 3)] })).toBe(true);
    expect(isStackable({ inputs: [t('x', -1, 4)], outputs: [t('y', -1, 3)] })).toBe(true);
    expect(isStackable({ inputs: [t('a', 'batch', 2), t('b', 'batch', 2)], outputs: [t('s', 'batch', 2)] })).toBe(true);
  });

  it('fails for a batch on another axis, a scalar, a fixed or unshared dimension 0', () => {
    expect(isStackable(vad)).toBe(false);
    expect(isStackable({ inputs: [t('x', 1, 4)], outputs: [t('y', 1, 2)] })).toBe(false);
    expect(isStackable({ inputs: [t('x')], outputs: [t('y')] })).toBe(false);
    expect(isStackable({ inputs: [t('a', 'n', 2), t('b', 'm', 2)], outputs: [t('s', 'n', 2)] })).toBe(false);
    expect(isStackable({ inputs: [t('a', -1, 2), t('b', -1, 2)], outputs: [t('s', -1, 2)] })).toBe(false);
    expect(isStackable({ inputs: [t('x', 'batch', 4)], outputs: [t('y', 1)] })).toBe(false);
    // A single input's free dimension 0 is taken as its batch, whatever its name.
    expect(isStackable({ inputs: [t('x', 'L', 'batch')], outputs: [t('y', 'L', 'batch')] })).toBe(true);
    expect(isStackable({ inputs: [t('x', 'batch', 'batch')], outputs: [t('y', 'batch')] })).toBe(false);
  });
});

describe('whyRowsAreNotTasks', () => {
  it('accepts stackable models and models fixed at one row, and says why otherwise', () => {
    expect(whyRowsAreNotTasks({ inputs: [t('x', 'batch', 4)], outputs: [t('y', 'batch', 3)] })).toBeUndefined();
    expect(whyRowsAreNotTasks({ inputs: [t('x', 1, 4)], outputs: [t('y', 1, 2)] })).toBeUndefined();
    expect(whyRowsAreNotTasks(vad)).toBe("model input 'state' fixes dimension 0 at 2");
    expect(whyRowsAreNotTasks({ inputs: [t('x', 'batch', 4), t('k')], outputs: [t('y', 'batch')] })).toBe(
      "model input 'k' is a scalar",
    );
    expect(whyRowsAreNotTasks({ inputs: [t('a', 'n', 2), t('b', 'm', 2)], outputs: [t('s', 'n', 2)] })).toMatch(
      /do not share one batch dimension/,
    );
  });
});

describe('checkSymbolicDims', () => {
  const feeds = (batchOfState: number) => ({
    input: { type: 'float32' as const, dims: [1, 16], data: new Float32Array(16) },
    state: { type: 'float32' as const, dims: [2, batchOfState, 128], data: new Float32Array(2 * batchOfState * 128) },
    sr: { type: 'int64' as const, dims: [], data: new BigInt64Array(1) },
  });
  it('passes one size per name and names the place where a second size appears', () => {
    expect(() => checkSymbolicDims(vad.inputs, feeds(1), (name) => `inputs.${name}`)).not.toThrow();
    expect(() => checkSymbolicDims(vad.inputs, feeds(3), (name) => `inputs.${name}`)).toThrow(
      expect.objectContaining({
        path: 'inputs.state.shape[1]',
        message: "model dimension 'batch' is 1 in inputs.input.shape[0] and must be the same here, got 3",
      }),
    );
  });
});
