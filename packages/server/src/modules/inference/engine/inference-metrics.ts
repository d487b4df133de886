/**
 * Inference metrics in the spirit of Triton's: per model, request successes and failures, inference count
 * (rows) vs execution count (`run()` calls) so the average batch size can be read off, and the time
 * requests spend queued and computing.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createInferenceMetrics(registry: Registry) {
  const labelNames = ['model'] as const;
  return {
    success: new Counter({
      name: 'inference_request_success_total',
      help: 'Inference requests that returned a result',
      labelNames,
      registers: [registry],
    }),
    failure: new Counter({
      name: 'inference_request_failure_total',
      help: 'Inference requests that failed, by reason',
      labelNames: ['model', 'reason'] as const,
      registers: [registry],
    }),
    inferences: new Counter({
      name: 'inference_count_total',
      help: 'Inputs (rows) inferred',
      labelNames,
      registers: [registry],
    }),
    executions: new Counter({
      name: 'inference_exec_count_total',
      help: 'Model executions (run() calls); inference_count / exec_count is the average batch size',
      labelNames,
      registers: [registry],
    }),
    queueSeconds: new Histogram({
      name: 'inference_queue_duration_seconds',
      help: 'Time a request waited before its batch started',
      labelNames,
      buckets: BUCKETS,
      registers: [registry],
    }),
    computeSeconds: new Histogram({
      name: 'inference_compute_duration_seconds',
      help: 'Time of one model execution',
      labelNames,
      buckets: BUCKETS,
      registers: [registry],
    }),
  };
}

export type InferenceMetrics = ReturnType<typeof createInferenceMetrics>;
