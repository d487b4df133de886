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
    const message = answer.error.split(path).join('the file');
    throw invalid(message.split('\n')[0]?.slice(0, 300) || 'unknown error');
  }
  return { inputs: answer.inputs ?? [], outputs: answer.outputs ?? [] };
}
