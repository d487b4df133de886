/**
 * Loads an ONNX file with ONNX Runtime to prove it can run here and to read its real graph inputs and
 * outputs (names, element types, shapes). A file ONNX Runtime refuses is a 400 INVALID_MODEL carrying
 * the runtime's own reason. Only session creation happens here (no inference), and the session is
 * released at once.
 */
import { InferenceSession } from 'onnxruntime-node';
import type { TensorInfo } from '../../platform/db/schema.js';
import { ApiProblem } from '../../platform/http/problem.js';
import { runtimeMessage } from '../../platform/onnx/runtime-message.js';

const describe = (meta: InferenceSession.ValueMetadata): TensorInfo =>
  meta.isTensor
    ? {
        name: meta.name,
        type: meta.type,
        shape: meta.shape.map((dim) => (typeof dim === 'number' && dim < 0 ? -1 : dim)),
      }
    : { name: meta.name, type: 'non-tensor', shape: [] };

/** The largest dimension a request may send (the specs' tensor shape bound), and so the largest a model may fix. */
const MAX_DIMENSION = 2147483647;

/**
 * Refuses a fixed dimension beyond MAX_DIMENSION: no request could feed it, and past 2^53 ONNX Runtime's
 * JavaScript numbers are already rounded (2^62 would be shown as 4611686018427388000).
 */
function checkExactDimensions({ inputs, outputs }: { inputs: TensorInfo[]; outputs: TensorInfo[] }): void {
  for (const [kind, tensors] of [
    ['input', inputs],
    ['output', outputs],
  ] as const) {
    for (const tensor of tensors) {
      const index = tensor.shape.findIndex((dim) => typeof dim === 'number' && dim > MAX_DIMENSION);
      if (index < 0) continue;
      const dim = BigInt(tensor.shape[index] as number).toString();
      const why = `${kind} '${tensor.name}' dimension ${index} is ${dim} (about), beyond ${MAX_DIMENSION}, the largest dimension a request can send`;
      throw new ApiProblem(
        400,
        'INVALID_MODEL',
        `The model cannot run here: its ${why}; no request could feed a tensor of that size`,
        { details: [{ path: 'body.model', message: why }] },
      );
    }
  }
}

export async function inspectOnnx(bytes: Uint8Array): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    });
  } catch (error) {
    const reason = runtimeMessage(error, 300);
    throw new ApiProblem(
      400,
      'INVALID_MODEL',
      `The file is not a valid ONNX model: ONNX Runtime could not load it (${reason})`,
    );
  }
  try {
    const tensors = { inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) };
    checkExactDimensions(tensors);
    return tensors;
  } finally {
    await session.release();
  }
}
