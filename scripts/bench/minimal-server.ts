/**
 * The floor for the inference benchmark: node:http and onnxruntime-node, nothing else (no framework, no
 * validation, no database, no auth). Reads `{input: {data, shape}}`, runs the model, answers the tensor.
 * Started by inference.ts as a child process: `tsx minimal-server.ts <model.onnx> <port>`.
 */
import { createServer } from 'node:http';
import * as ort from 'onnxruntime-node';

const [modelPath, port] = process.argv.slice(2);
const session = await ort.InferenceSession.create(modelPath!, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const inputName = session.inputNames[0]!;
const outputName = session.outputNames[0]!;

createServer((request, response) => {
  if (request.method !== 'POST') return response.end('ok');
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const { input } = JSON.parse(Buffer.concat(chunks).toString()) as { input: { data: number[]; shape: number[] } };
    const results = await session.run({
      [inputName]: new ort.Tensor('float32', Float32Array.from(input.data), input.shape),
    });
    const output = results[outputName]!;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ result: { data: Array.from(output.data as Float32Array), shape: output.dims } }));
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
