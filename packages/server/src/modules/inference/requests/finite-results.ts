/**
 * Results that are not finite. A model can overflow or divide by zero (float32 Infinity, NaN); JSON has no
 * such numbers and would carry them as `null`, a value the model never gave. Such a result fails its task
 * instead: a sync request answers 422 NON_FINITE_RESULT, an async or batch task fails with a message that
 * starts with the code.
 */
import type { Feeds, TensorData } from '../engine/tensors.js';

export const NON_FINITE_RESULT = 'NON_FINITE_RESULT';

export class NonFiniteResultError extends Error {
  override name = 'NonFiniteResultError';
  /** As a task's error: the code, then the message. */
  get taskError(): string {
    return `${NON_FINITE_RESULT}: ${this.message}`;
  }
}

const isFloat = (tensor: TensorData) => tensor.type === 'float32' || tensor.type === 'float64';

/**
 * The first element that is not finite in rows [start, end) of the named outputs, as a message, or
 * undefined when they are all finite. Element indexes count from the first row checked.
 */
export function nonFiniteProblem(
  outputs: Feeds,
  names: readonly string[],
  rows?: [number, number],
): string | undefined {
  for (const name of names) {
    const tensor = outputs[name];
    if (!tensor || !isFloat(tensor)) continue;
    const data = tensor.data as Float32Array | Float64Array;
    const width = rows && tensor.dims[0] ? data.length / tensor.dims[0] : 0;
    const from = rows ? rows[0] * width : 0;
    const to = rows ? rows[1] * width : data.length;
    for (let i = from; i < to; i++) {
      if (!Number.isFinite(data[i]))
        return (
          `output '${name}' element ${i - from} is ${data[i]}: the model's result for these inputs is not a finite ` +
          'number (it overflowed or divided by zero), which JSON cannot carry'
        );
    }
  }
  return undefined;
}

/** Throws NonFiniteResultError when an element of the named outputs is not finite. */
export function assertFinite(outputs: Feeds, names: readonly string[]): void {
  const problem = nonFiniteProblem(outputs, names);
  if (problem !== undefined) throw new NonFiniteResultError(problem);
}

/** A failed task's error text: NON_FINITE_RESULT first for results that are not finite. */
export const taskErrorOf = (error: unknown): string =>
  error instanceof NonFiniteResultError ? error.taskError : (error as Error).message;
