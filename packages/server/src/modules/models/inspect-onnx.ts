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

/**
 * Refuses a fixed dimension beyond Number.MAX_SAFE_INTEGER (2^53 - 1): ONNX Runtime reports dimensions as
 * JavaScript numbers, so such a dimension is already rounded here and could only be shown rounded
 * (2^62 as 4611686018427388000), and a tensor that large can never be fed or produced anyway.
 */
function checkExactDimensions({ inputs, outputs }: { inputs: TensorInfo[]; outputs: TensorInfo[] }): void {
  for (const [kind, tensors] of [
    ['input', inputs],
    ['output', outputs],
  ] as const) {
    for (const tensor of tensors) {
      const index = tensor.shape.findIndex((dim) => typeof dim === 'number' && !Number.isSafeInteger(dim));
      if (index < 0) continue;
      const dim = BigInt(tensor.shape[index] as number).toString();
      const why = `${kind} '${tensor.name}' dimension ${index} is ${dim} (about), beyond ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`;
      throw new ApiProblem(
        400,
        'INVALID_MODEL',
        `The model cannot run here: its ${why}; no tensor of that size can be sent or stored, and the dimension has no exact JSON number`,
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
