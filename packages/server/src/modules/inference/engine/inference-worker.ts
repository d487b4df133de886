/**
 * The inference worker thread: owns ONNX Runtime sessions (an LRU of at most `maxSessions`) and runs one
 * request at a time, since `session.run()` blocks the thread it is called on. Model bytes arrive with a
 * request only when this worker asked for them (it answers `needModel` on a cache miss).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { runtimeMessage } from '../../../platform/onnx/runtime-message.js';
import type { Feeds, TensorData, TypedArray } from './tensors.js';
import type { FromWorker, ModelSource, ToWorker, WorkerSettings } from './worker-protocol.js';

const settings = workerData as WorkerSettings;
const sessions = new Map<string, ort.InferenceSession>();

async function sessionFor(key: string, model: ModelSource | undefined): Promise<ort.InferenceSession | undefined> {
  const cached = sessions.get(key);
  if (cached) {
    sessions.delete(key);
    sessions.set(key, cached);
    return cached;
  }
  if (!model) return undefined;
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: settings.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  sessions.set(key, session);
  while (sessions.size > settings.maxSessions) {
    const [oldest, evicted] = sessions.entries().next().value as [string, ort.InferenceSession];
    sessions.delete(oldest);
    await evicted.release();
  }
  return session;
}

/** Output data owned by its own buffer can be transferred; a view into a larger buffer is copied first. */
function ownBuffer(data: TypedArray): TypedArray {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : (data.slice() as TypedArray);
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'release') {
    const session = sessions.get(message.key);
    sessions.delete(message.key);
    await session?.release();
    return;
  }
  const reply = (response: FromWorker, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(response, transfer);
  try {
    const session = await sessionFor(message.key, message.model);
    if (!session) {
      // Hand the (transferred) input tensors back so the pool can resend them with the model.
      const transfer = Object.values(message.feeds).map((tensor) => tensor.data.buffer as ArrayBuffer);
      return reply({ id: message.id, ok: false, needModel: true, feeds: message.feeds }, transfer);
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(message.feeds))
      feeds[name] = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
    const started = performance.now();
    const results = await session.run(feeds);
    const computeMs = performance.now() - started;
    const outputs: Feeds = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, tensor] of Object.entries(results)) {
      const data = ownBuffer(tensor.data as TypedArray);
      outputs[name] = { type: tensor.type as TensorData['type'], dims: [...tensor.dims], data };
      transfer.push(data.buffer as ArrayBuffer);
    }
    reply({ id: message.id, ok: true, outputs, computeMs }, transfer);
  } catch (error) {
    // A model loaded from its file: the server's path is not the client's business.
    let text = runtimeMessage(error);
    if (typeof message.model === 'string') text = text.split(message.model).join('the model file');
    reply({ id: message.id, ok: false, error: text });
  }
}

// Messages are handled strictly one after another: the next run starts when the previous one replied.
let queue = Promise.resolve();
parentPort!.on('message', (message: ToWorker) => {
  queue = queue.then(() => handle(message));
});
