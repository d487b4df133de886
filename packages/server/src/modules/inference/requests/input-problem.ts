/** A 400 VALIDATION_ERROR about the inference input, naming where in the body the problem is. */
import { ApiProblem } from '../../../platform/http/problem.js';

export class InputProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }

  toApiProblem(prefix = 'body'): ApiProblem {
    const path = `${prefix}.${this.path}`;
    return new ApiProblem(400, 'VALIDATION_ERROR', `${path}: ${this.message}`, {
      details: [{ path, message: this.message }],
    });
  }
}
