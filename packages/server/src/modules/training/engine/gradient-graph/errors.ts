/**
 * Typed errors of the gradient-graph builder. The training API turns them into 400s: an
 * UnsupportedOperatorError names the operator and the node, a GradientGraphError says what in the model
 * (or in the options) stops it from training.
 */
export class GradientGraphError extends Error {
  override name = 'GradientGraphError';
}

/** An operator on the gradient path that has no gradient rule here. */
export class UnsupportedOperatorError extends GradientGraphError {
  override name = 'UnsupportedOperatorError';
  constructor(
    readonly opType: string,
    readonly nodeName: string,
    readonly reason = 'has no gradient rule',
  ) {
    super(`operator ${opType} (node "${nodeName}") ${reason}; it cannot be trained here`);
  }
}
