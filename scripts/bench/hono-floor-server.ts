/**
 * A second floor for the inference benchmark: the minimal server's handler (run the model on the event
 * loop, no validation, no database, no auth) on the framework our server is required to use, Hono on
 * @hono/node-server. The gap between it and minimal-server.ts is the framework's own cost per request.
 * Started by inference.ts as a child process: `tsx hono-floor-server.ts <model.onnx> <port>`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import * as ort from 'onnxruntime-node';

const [modelPath, port] = process.argv.slice(2);
const session = await ort.InferenceSession.create(modelPath!, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const inputName = session.inputNames[0]!;
const outputName = session.outputNames[0]!;

const app = new Hono();
app.get('/', (c) => c.text('ok'));
app.post('/', async (c) => {
  const { input } = await c.req.json<{ input: { data: number[]; shape: number[] } }>();
  const results = await session.run({
    [inputName]: new ort.Tensor('float32', Float32Array.from(input.data), input.shape),
  });
  const output = results[outputName]!;
  return c.json({ result: { data: Array.from(output.data as Float32Array), shape: output.dims } });
});
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, () => console.log('ready'));
