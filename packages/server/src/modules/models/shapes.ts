/**
 * Declared shapes (`input_shape`, `output_shape`) against the graph's real ones: same rank, and every
 * fixed dimension of the graph matched exactly. -1 (any size) is always accepted where the graph's
 * dimension is free. Without a declared shape, the graph's own is used with free dimensions as -1.
 */
import type { TensorInfo } from '../../platform/db/schema.js';
import { ApiProblem } from '../../platform/http/problem.js';

export const shapeOf = (tensor: TensorInfo | undefined): number[] | null =>
  tensor ? tensor.shape.map((dim) => (typeof dim === 'number' ? dim : -1)) : null;

export function checkDeclaredShape(field: string, declared: number[], tensor: TensorInfo | undefined): void {
  if (!tensor) return;
  const fail = (why: string) => {
    throw new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `${field} ${JSON.stringify(declared)} does not match the model's ${tensor.name} ${JSON.stringify(tensor.shape)}: ${why}`,
      {
        details: [{ path: `body.${field}`, message: why }],
      },
    );
  };
  if (declared.length !== tensor.shape.length)
    fail(`expected ${tensor.shape.length} dimensions, got ${declared.length}`);
  declared.forEach((dim, index) => {
    const actual = tensor.shape[index];
    if (dim === 0) fail(`dimension ${index} is 0`);
    if (typeof actual === 'number' && actual >= 0 && dim !== actual) fail(`dimension ${index} is fixed at ${actual}`);
  });
}
