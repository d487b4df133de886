/**
 * A job's checkpoint as stored in `training_jobs.checkpoint` (JSON): the weights and the optimizer state
 * as base64 float32, the weight version, and where in the data the job is (epoch, batch within it).
 */
import type { OptimizerState } from './optimizer.js';

export interface Checkpoint {
  version: number;
  epoch: number;
  batch: number;
  weights: Float32Array[];
  optimizer: OptimizerState;
}

interface StoredCheckpoint {
  version: number;
  epoch: number;
  batch: number;
  weights: string[];
  optimizer: { step: number; m: string[]; v: string[] };
}

const encode = (values: Float32Array) =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
function decode(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function storeCheckpoint(c: Checkpoint): Record<string, unknown> {
  const stored: StoredCheckpoint = {
    version: c.version,
    epoch: c.epoch,
    batch: c.batch,
    weights: c.weights.map(encode),
    optimizer: { step: c.optimizer.step, m: c.optimizer.m.map(encode), v: c.optimizer.v.map(encode) },
  };
  return stored as unknown as Record<string, unknown>;
}

export function loadCheckpoint(stored: Record<string, unknown>): Checkpoint {
  const s = stored as unknown as StoredCheckpoint;
  return {
    version: s.version,
    epoch: s.epoch,
    batch: s.batch,
    weights: s.weights.map(decode),
    optimizer: { step: s.optimizer.step, m: s.optimizer.m.map(decode), v: s.optimizer.v.map(decode) },
  };
}
