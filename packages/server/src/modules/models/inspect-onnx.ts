/**
 * Loads an ONNX file with ONNX Runtime to prove it can run here and to read its real graph inputs and
 * outputs (names, element types, shapes). A file ONNX Runtime refuses is a 400 INVALID_MODEL carrying
 * the runtime's own reason. Only session creation happens here (no inference), and the session is
 * released at once.
 */
import { InferenceSession } from 'onnxruntime-node';
import type { TensorInfo } from '../../platform/db/schema.js';
import { ApiProblem } from '../../platform/http/problem.js';

const describe = (meta: InferenceSession.ValueMetadata): TensorInfo =>
  meta.isTensor
    ? {
        name: meta.name,
        type: meta.type,
        shape: meta.shape.map((dim) => (typeof dim === 'number' && dim < 0 ? -1 : dim)),
      }
    : { name: meta.name, type: 'non-tensor', shape: [] };

/** Inspects the model file at `path`: ONNX Runtime reads it from disk, so no copy is held in this process' heap. */
export async function inspectOnnx(path: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(path, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    });
  } catch (error) {
    // The staging path is the server's business: the message names "the file" instead.
    const message = (error as Error).message.split(path).join('the file');
    const reason = message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
    throw new ApiProblem(
      400,
      'INVALID_MODEL',
      `The file is not a valid ONNX model: ONNX Runtime could not load it (${reason})`,
    );
  }
  try {
    return { inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) };
  } finally {
    await session.release();
  }
}
