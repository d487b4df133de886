/** Failures of the inference engine that callers turn into HTTP answers or task errors. */

/** The engine's queue is full: answer 429 with Retry-After. */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(readonly waiting: number) {
    super(`The inference queue is full (${waiting} requests waiting); retry shortly`);
  }
}

/** The request's deadline passed before its result was ready. */
export class InferenceTimeoutError extends Error {
  override name = 'InferenceTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`Inference did not complete within ${timeoutMs} ms (options.timeout)`);
  }
}

/** ONNX Runtime refused to run the inputs (a shape it cannot take, for instance). */
export class ExecutionError extends Error {
  override name = 'ExecutionError';
}
