/**
 * Loads an ONNX file with ONNX Runtime to prove it can run here and to read its real graph inputs and
 * outputs (names, element types, shapes). A file ONNX Runtime refuses is a 400 INVALID_MODEL carrying
 * the runtime's own reason. The load happens in a short-lived child process (onnx-check-process.ts)
 * reading the staged file from disk: ONNX Runtime holds about twice a model's size while it creates a
 * session, and that memory goes back when the child exits instead of staying in the server's heap; a
 * file that crashes the runtime ends the child, not the server.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TensorInfo } from '../../platform/db/schema.js';
import { ApiProblem } from '../../platform/http/problem.js';
import { runtimeMessage } from '../../platform/onnx/runtime-message.js';

const CHECK_TIMEOUT_MS = 5 * 60_000;

/** The compiled program is a .js file next to this one; from TypeScript sources (tests) tsx runs the .ts file. */
function checkCommand(path: string): string[] {
  if (!import.meta.url.endsWith('.ts'))
    return [fileURLToPath(new URL('./onnx-check-process.js', import.meta.url)), path];
  return ['--import', 'tsx', fileURLToPath(new URL('./onnx-check-process.ts', import.meta.url)), path];
}

const invalid = (reason: string) =>
  new ApiProblem(
    400,
    'INVALID_MODEL',
    `The file is not a valid ONNX model: ONNX Runtime could not load it (${reason})`,
  );

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

export async function inspectOnnx(path: string): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
  const child = spawn(process.execPath, checkCommand(path), {
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: CHECK_TIMEOUT_MS,
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  let answer: { inputs?: TensorInfo[]; outputs?: TensorInfo[]; error?: string } | undefined;
  try {
    answer = JSON.parse(output.trim().split('\n').pop() ?? '') as typeof answer;
  } catch {
    answer = undefined;
  }
  if (!answer || code !== 0) throw invalid(`the runtime stopped while loading it${signal ? ` (${signal})` : ''}`);
  if (answer.error !== undefined) {
    // The staging path is the server's business: the message names "the file" instead.
    throw invalid(runtimeMessage(answer.error.split(path).join('the file'), 300));
  }
  const tensors = { inputs: answer.inputs ?? [], outputs: answer.outputs ?? [] };
  checkExactDimensions(tensors);
  return tensors;
}
