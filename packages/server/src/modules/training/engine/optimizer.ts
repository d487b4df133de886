/**
 * The optimizer step, run on the server over the aggregated gradients: SGD with optional momentum, and
 * Adam (Kingma & Ba, bias-corrected). Its state (momentum buffers, Adam's moments and step count) is part
 * of the job's checkpoint. Hand-written: a few lines of arithmetic over Float32Arrays, which no well-kept
 * npm package offers without a tensor framework.
 */
export interface OptimizerConfig {
  optimizer: 'sgd' | 'adam';
  learningRate: number;
  momentum: number;
}

export interface OptimizerState {
  step: number;
  /** SGD's velocity or Adam's first moment, one per weight. */
  m: Float32Array[];
  /** Adam's second moment (empty for SGD). */
  v: Float32Array[];
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export function initialOptimizerState(config: OptimizerConfig, weights: Float32Array[]): OptimizerState {
  return {
    step: 0,
    m: weights.map((w) => new Float32Array(w.length)),
    v: config.optimizer === 'adam' ? weights.map((w) => new Float32Array(w.length)) : [],
  };
}

/** Updates `weights` in place with `gradients`, and the state with them. */
export function optimizerStep(
  config: OptimizerConfig,
  state: OptimizerState,
  weights: Float32Array[],
  gradients: Float32Array[],
): void {
  state.step += 1;
  const lr = config.learningRate;
  if (config.optimizer === 'sgd') {
    weights.forEach((w, i) => {
      const g = gradients[i]!;
      const velocity = state.m[i]!;
      for (let j = 0; j < w.length; j++) {
        velocity[j] = config.momentum * velocity[j]! + g[j]!;
        w[j] = w[j]! - lr * velocity[j]!;
      }
    });
    return;
  }
  const correction1 = 1 - BETA1 ** state.step;
  const correction2 = 1 - BETA2 ** state.step;
  weights.forEach((w, i) => {
    const g = gradients[i]!;
    const m = state.m[i]!;
    const v = state.v[i]!;
    for (let j = 0; j < w.length; j++) {
      m[j] = BETA1 * m[j]! + (1 - BETA1) * g[j]!;
      v[j] = BETA2 * v[j]! + (1 - BETA2) * g[j]! * g[j]!;
      w[j] = w[j]! - (lr * (m[j]! / correction1)) / (Math.sqrt(v[j]! / correction2) + EPSILON);
    }
  });
}
