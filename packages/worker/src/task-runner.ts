/**
 * Runs a run_inference or run_train_step task of the device protocol on the thread pool and returns its
 * `result` frame: the model from the cache (downloaded by checksum), a train-step graph from its inline
 * bytes. Shared by the device socket (device-worker.ts) and the peer's realtime endpoint (realtime-server.ts).
 */
import { PROTOCOL_VERSION, type DeviceMessage, type ServerMessage } from '@computeplane/device-protocol';
import type { LogRing } from './log-ring.js';
import type { ModelCache } from './model-cache.js';
import type { ThreadPool } from './thread-pool.js';
import { trainStepPath } from './train-step-cache.js';

export type Task = Extract<ServerMessage, { type: 'run_inference' } | { type: 'run_train_step' }>;
export type ResultMessage = Extract<DeviceMessage, { type: 'result' }>;

export function createTaskRunner(deps: { pool: ThreadPool; cache: ModelCache; cacheDir: string; log: LogRing }) {
  return async function runTask(task: Task): Promise<ResultMessage> {
    const started = performance.now();
    const failed = (message: string): ResultMessage => {
      deps.log.warn(`task ${task.task_id} failed: ${message}`);
      return {
        v: PROTOCOL_VERSION,
        type: 'result',
        task_id: task.task_id,
        ok: false,
        error: message.slice(0, 4096),
        duration_ms: performance.now() - started,
      };
    };
    try {
      const modelPath =
        task.type === 'run_inference'
          ? await deps.cache.path(task.model_checksum)
          : await trainStepPath(deps.cacheDir, task.graph_sha256, task.graph);
      const reply = await deps.pool.run(modelPath, task.inputs);
      if (!reply.ok) return failed(reply.error);
      return {
        v: PROTOCOL_VERSION,
        type: 'result',
        task_id: task.task_id,
        ok: true,
        outputs: reply.outputs,
        duration_ms: performance.now() - started,
      };
    } catch (error) {
      return failed(error instanceof Error ? error.message : String(error));
    }
  };
}
