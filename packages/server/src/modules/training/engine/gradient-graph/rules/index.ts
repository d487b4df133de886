/** The gradient rules by operator type: the operators a gradient can flow through. */
import { add } from './add.js';
import { cast } from './cast.js';
import { div } from './div.js';
import { gemm } from './gemm.js';
import { dropout, identity } from './identity.js';
import { leakyRelu } from './leaky-relu.js';
import { logSoftmax } from './log-softmax.js';
import { matMul } from './mat-mul.js';
import { mul } from './mul.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import type { GradientRule } from './rule.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { sub } from './sub.js';
import { tanh } from './tanh.js';

export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = {
  Add: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  MatMul: matMul,
  Gemm: gemm,
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
  Flatten: reshape,
  Reshape: reshape,
  Identity: identity,
  Dropout: dropout,
  Cast: cast,
};

/** Operators whose outputs never carry a gradient (shape and index computations): allowed anywhere. */
export const NON_DIFFERENTIABLE = new Set([
  'Shape',
  'Size',
  'Constant',
  'ConstantOfShape',
  'Range',
  'Equal',
  'Greater',
  'Less',
  'ArgMax',
  'ArgMin',
  'NonZero',
]);

export type { GradientRule, RuleContext } from './rule.js';
