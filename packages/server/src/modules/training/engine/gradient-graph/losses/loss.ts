/** What a loss emits: the scalar loss, the gradient it starts the backward pass with, and where. */
import type { Emitter } from '../emitter.js';

export type LossKind = 'cross_entropy' | 'mse';

export interface LossGraph {
  /** The scalar loss tensor. */
  loss: string;
  /** The tensor the backward pass starts from and its gradient. */
  start: string;
  gradient: string;
}

export interface LossInput {
  e: Emitter;
  /** The tensor the loss reads: logits for cross-entropy, the model output for MSE. */
  value: string;
  labels: string;
}
