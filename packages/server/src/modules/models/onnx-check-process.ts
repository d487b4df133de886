/**
 * The program `inspect-onnx.ts` runs in a short-lived child process: loads the ONNX file named on the
 * command line with ONNX Runtime (no inference) and prints its inputs and outputs as one JSON line, or
 * `{ "error": "<ONNX Runtime's reason>" }`. Not imported by the server.
 */
import { InferenceSession } from 'onnxruntime-node';

const describe = (meta: InferenceSession.ValueMetadata) =>
  meta.isTensor
    ? {
        name: meta.name,
        type: meta.type,
        shape: meta.shape.map((dim) => (typeof dim === 'number' && dim < 0 ? -1 : dim)),
      }
    : { name: meta.name, type: 'non-tensor', shape: [] };

const path = process.argv[2]!;
let answer: unknown;
try {
  const session = await InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'disabled',
  });
  answer = { inputs: session.inputMetadata.map(describe), outputs: session.outputMetadata.map(describe) };
  await session.release();
} catch (error) {
  answer = { error: (error as Error).message };
}
process.stdout.write(`${JSON.stringify(answer)}\n`, () => process.exit(0));
