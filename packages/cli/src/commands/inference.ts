/** The inference commands: `infer`, `batch` (with `batch wait` and `batch results`) and `jobs get|cancel`. */
import type { Command } from 'commander';
import { registerBatch } from './inference/batch.js';
import { registerInfer } from './inference/infer.js';
import { registerJobs } from './inference/jobs.js';

export function registerInference(program: Command): void {
  registerInfer(program);
  registerBatch(program);
  registerJobs(program);
}
