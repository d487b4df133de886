/**
 * What a model's real signature allows beyond each tensor on its own: whether its requests can be stacked
 * on axis 0 (the dynamic batcher's assumption, which holds for most models but not for, e.g., Silero VAD's
 * `state [2, batch, 128]` or a scalar `sr`), whether the rows of a stacked batch can be its tasks, and that
 * a symbolic dimension (`batch`, `samples`) has one size across a request's inputs. Stacking is a way to run
 * a model faster, never a rule a valid request has to satisfy.
 */
import type { TensorInfo } from '../../../platform/db/schema.js';
import type { Feeds } from '../engine/tensors.js';
import { InputProblem } from './input-problem.js';

export interface Signature {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

const isFree = (dim: number | string | undefined) => typeof dim === 'string' || dim === -1;

/**
 * Whether requests can be stacked on axis 0 and their outputs split back: every input and output has a free
 * dimension 0, the inputs share it (one symbolic name, unless there is a single input), and that name is
 * on no other axis. Models that fail this run one request at a time.
 */
export function isStackable({ inputs, outputs }: Signature): boolean {
  if (inputs.length === 0 || outputs.length === 0) return false;
  if (![...inputs, ...outputs].every((tensor) => tensor.shape.length > 0 && isFree(tensor.shape[0]))) return false;
  const batch = inputs[0]!.shape[0];
  if (inputs.length > 1 && (typeof batch !== 'string' || inputs.some((input) => input.shape[0] !== batch)))
    return false;
  return typeof batch !== 'string' || ![...inputs, ...outputs].some((tensor) => tensor.shape.slice(1).includes(batch));
}

/**
 * Why the rows (dimension 0) of a stacked batch cannot be the model's tasks, or undefined when they can:
 * the model stacks on axis 0, or every input fixes dimension 0 at 1 (its rows then run one at a time).
 */
export function whyRowsAreNotTasks(model: Signature): string | undefined {
  if (isStackable(model)) return undefined;
  if (model.inputs.length > 0 && model.inputs.every((input) => input.shape[0] === 1)) return undefined;
  const fixed = model.inputs.find((input) => typeof input.shape[0] === 'number' && input.shape[0] > 1);
  if (fixed) return `model input '${fixed.name}' fixes dimension 0 at ${fixed.shape[0]}`;
  const scalar = model.inputs.find((input) => input.shape.length === 0);
  if (scalar) return `model input '${scalar.name}' is a scalar`;
  return "the model's inputs do not share one batch dimension on axis 0";
}

/** The model's tensors as `name [d0, d1]`, for messages. */
export const describeSignature = (tensors: TensorInfo[]): string =>
  tensors.map((tensor) => `${tensor.name} [${tensor.shape.join(', ')}]`).join(', ');

/**
 * Each symbolic dimension has one size across the request's tensors (ONNX: one `dim_param` names one size
 * in a graph). `pathOf(name)` is where input `name` is in the body.
 */
export function checkSymbolicDims(inputs: TensorInfo[], feeds: Feeds, pathOf: (name: string) => string): void {
  const seen = new Map<string, { size: number; at: string }>();
  for (const info of inputs) {
    const tensor = feeds[info.name];
    if (!tensor) continue;
    info.shape.forEach((dim, index) => {
      if (typeof dim !== 'string') return;
      const size = tensor.dims[index]!;
      const at = `${pathOf(info.name)}.shape[${index}]`;
      const first = seen.get(dim);
      if (!first) seen.set(dim, { size, at });
      else if (first.size !== size)
        throw new InputProblem(
          at,
          `model dimension '${dim}' is ${first.size} in ${first.at} and must be the same here, got ${size}`,
        );
    });
  }
}
