/** Messages between the worker pool (main thread) and an inference worker thread. */
import type { Feeds } from './tensors.js';

export interface WorkerSettings {
  /** ONNX Runtime intra-op threads per session in this worker. */
  intraOpNumThreads: number;
  /** Sessions kept per worker; the least recently used is released beyond it. */
  maxSessions: number;
}

/** A model file's path (ONNX Runtime reads it from disk) or its bytes. */
export type ModelSource = string | Uint8Array;

export type ToWorker =
  { type: 'run'; id: number; key: string; model?: ModelSource; feeds: Feeds } | { type: 'release'; key: string };

export type FromWorker =
  | { id: number; ok: true; outputs: Feeds; computeMs: number }
  | { id: number; ok: false; needModel: true; feeds: Feeds }
  | { id: number; ok: false; needModel?: false; error: string };
