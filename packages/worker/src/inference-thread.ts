/**
 * Runs inside a worker thread: ONNX Runtime's `session.run()` blocks its thread, so it never runs on the
 * worker's event loop (which keeps heartbeats and log answers flowing). Sessions are kept per model file.
 */
import { parentPort } from 'node:worker_threads';
import type { WireTensor } from '@computeplane/device-protocol';
import { InferenceSession } from 'onnxruntime-node';
import { fromWire, toWire } from './tensors.js';

export interface ThreadRequest {
  id: number;
  modelPath: string;
  inputs: Record<string, WireTensor>;
}
export type ThreadReply =
  { id: number; ok: true; outputs: Record<string, WireTensor> } | { id: number; ok: false; error: string };

const sessions = new Map<string, Promise<InferenceSession>>();

async function run(request: ThreadRequest): Promise<ThreadReply> {
  try {
    let session = sessions.get(request.modelPath);
    if (!session) {
      session = InferenceSession.create(request.modelPath);
      sessions.set(request.modelPath, session);
      session.catch(() => sessions.delete(request.modelPath));
    }
    const feeds = Object.fromEntries(Object.entries(request.inputs).map(([name, tensor]) => [name, fromWire(tensor)]));
    const results = await (await session).run(feeds);
    return {
      id: request.id,
      ok: true,
      outputs: Object.fromEntries(Object.entries(results).map(([name, tensor]) => [name, toWire(tensor)])),
    };
  } catch (error) {
    return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (request: ThreadRequest) => {
  void run(request).then((reply) => parentPort!.postMessage(reply));
});
