/**
 * The shape of a gradient rule: which inputs of a node are differentiable, and how to emit their gradients
 * from the gradient of the node's first output (the only differentiable output of every supported operator).
 */
import type { Emitter } from '../emitter.js';
import type { NodeProto } from '../onnx.js';
import type { Dims, TensorInfo } from '../shapes.js';

export interface RuleContext {
  node: NodeProto;
  e: Emitter;
  /** The node's input names and its first output's name. */
  inputs: string[];
  output: string;
  /** The gradient of the loss with respect to the node's first output. */
  dY: string;
  /** Whether input `i` needs a gradient (it depends on a trainable weight). */
  needs(i: number): boolean;
  info(name: string): TensorInfo;
  /** The static dims of a tensor; refuses the node when they cannot be inferred. */
  dims(name: string): Dims;
  /** Refuses the node with a reason (an UnsupportedOperatorError naming it). */
  refuse(reason: string): never;
}

export interface GradientRule {
  /** Indices of the inputs a gradient flows into. */
  differentiable: number[];
  /** Emits the gradients of the needed differentiable inputs, indexed like the node's inputs. */
  backward(ctx: RuleContext): (string | undefined)[];
}
