/**
 * A random request for a model, shaped as its inputs say (free dimensions as 1), for benchmarks. Only
 * float inputs can be drawn this way; a model with another input type is refused with a 400 naming it.
 */
import type { TensorInfo } from '../../../platform/db/schema.js';
import { ApiProblem } from '../../../platform/http/problem.js';

const FLOAT = new Set(['float32', 'float', 'float16', 'float64', 'double']);
/** Values per input at most: a benchmark measures the platform, not the network. */
const MAX_VALUES = 1 << 20;

export function checkBenchmarkable(modelId: string, inputs: TensorInfo[]) {
  for (const input of inputs) {
    if (!FLOAT.has(input.type))
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `model '${modelId}' input '${input.name}' is ${input.type}; benchmarks draw random float inputs only`,
      );
    const values = input.shape.reduce<number>((n, d) => n * (typeof d === 'number' && d > 0 ? d : 1), 1);
    if (values > MAX_VALUES)
      throw new ApiProblem(
        400,
        'VALIDATION_ERROR',
        `model '${modelId}' input '${input.name}' has ${values} values; benchmarks take at most ${MAX_VALUES}`,
      );
  }
}

export function randomRequest(inputs: TensorInfo[]): { input: unknown } | { inputs: Record<string, unknown> } {
  const tensor = (info: TensorInfo) => {
    const shape = info.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const size = shape.reduce((n, d) => n * d, 1);
    return { data: Array.from({ length: size }, () => Math.random() * 2 - 1), shape };
  };
  if (inputs.length === 1) return { input: tensor(inputs[0]!) };
  return { inputs: Object.fromEntries(inputs.map((info) => [info.name, tensor(info)])) };
}
