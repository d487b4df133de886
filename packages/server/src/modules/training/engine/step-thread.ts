/**
 * The train-step thread: runs ONNX graphs (a job's train step, and the inference graph with the current
 * weights to measure held-out accuracy) on this server's own ONNX Runtime, off the event loop, since
 * `session.run()` blocks the thread it runs on. It keeps the sessions it was asked to load by key.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { StepReply, StepRequest, WireTensor } from './step-protocol.js';

const sessions = new Map<string, ort.InferenceSession>();

async function handle(request: StepRequest): Promise<StepReply> {
  if (request.type === 'load') {
    await sessions.get(request.key)?.release();
    sessions.set(request.key, await ort.InferenceSession.create(request.model, { intraOpNumThreads: 1 }));
    return { id: request.id, ok: true, outputs: {} };
  }
  if (request.type === 'drop') {
    await sessions.get(request.key)?.release();
    sessions.delete(request.key);
    return { id: request.id, ok: true, outputs: {} };
  }
  const session = sessions.get(request.key);
  if (!session) return { id: request.id, ok: false, error: `no session ${request.key}` };
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(request.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  const results = await session.run(feeds);
  const outputs: Record<string, WireTensor & { data: Float32Array }> = {};
  for (const [name, t] of Object.entries(results))
    outputs[name] = { type: 'float32', dims: [...t.dims], data: Float32Array.from(t.data as Float32Array) };
  return { id: request.id, ok: true, outputs };
}

parentPort!.on('message', (request: StepRequest) => {
  handle(request).then(
    (reply) => parentPort!.postMessage(reply),
    (error: unknown) => parentPort!.postMessage({ id: request.id, ok: false, error: (error as Error).message }),
  );
});
