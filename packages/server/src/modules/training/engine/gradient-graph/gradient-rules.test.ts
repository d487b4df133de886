/**
 * Every gradient rule against central finite differences: a tiny graph per operator (built with onnx-proto),
 * its train-step graph built in float64 and run by onnxruntime-node, and each gradient element compared with
 * (L(w+h) - L(w-h)) / 2h, where L is the loss output of that same float64 graph with one weight element moved.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  encodeModel,
  floatTensor,
  node,
  seededWeights,
  type GraphSpec,
  type TensorSpec,
} from '../../../../../../../scripts/fixtures/onnx-graph.js';
import { buildTrainStep, type TrainStepOptions } from './index.js';

/** Central differences in float64: truncation O(h²) and rounding O(ε/h) are both far below this. */
const RELATIVE_ERROR_BOUND = 1e-6;
/** An absolute difference below this passes whatever the magnitudes (a Relu's dead unit: both sides 0). */
const ABSOLUTE_FLOOR = 1e-9;
const H = 1e-5;

const random = seededWeights(7);
type Feed = { dims: number[]; values: number[] };

function makeModel(spec: Omit<GraphSpec, 'name' | 'initializers'>, weights: Record<string, Feed>): Uint8Array {
  const initializers = Object.entries(weights).map(([name, { dims, values }]) => floatTensor(name, dims, values));
  return encodeModel({ name: 'case', initializers, ...spec });
}

const w = (dims: number[], offset = 0): Feed => ({
  dims,
  values: random(dims.reduce((a, b) => a * b, 1)).map((v) => v + offset),
});
const input = (name: string, shape: number[]): TensorSpec => ({ name, type: 'float32', shape });
const output = (name: string, shape: (number | string)[]): TensorSpec => ({ name, type: 'float32', shape });

async function checkGradients(model: Uint8Array, data: Record<string, Feed>, options: TrainStepOptions = {}) {
  const step = buildTrainStep(model, { ...options, elementType: 'float64' });
  const session = await ort.InferenceSession.create(step.model);
  const outputDims = step.labels.dims.map((d, i) => (typeof d === 'number' ? d : Object.values(data)[0]!.dims[i]!));
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, { dims, values }] of Object.entries(data)) {
    feeds[name] = new ort.Tensor('float64', Float64Array.from(values), dims);
  }
  feeds[step.labels.name] =
    step.labels.type === 'int64'
      ? new ort.Tensor(
          'int64',
          BigInt64Array.from(outputDims.slice(0, 1).flatMap((n) => [...Array(n).keys()].map((i) => BigInt(i % 2)))),
          [outputDims[0]!],
        )
      : new ort.Tensor('float64', Float64Array.from(random(outputDims.reduce((a, b) => a * b, 1))), outputDims);
  const weights = step.weights.map((weight) => Float64Array.from(weight.values));
  step.weights.forEach((weight, i) => (feeds[weight.name] = new ort.Tensor('float64', weights[i]!, weight.dims)));
  const run = async () => session.run(feeds);
  const loss = async () => ((await run())[step.lossOutput]!.data as Float64Array)[0]!;
  const results = await run();
  let checked = 0;
  for (const [i, weight] of step.weights.entries()) {
    const gradient = results[step.gradientOutputs[i]!]!;
    expect(gradient.dims).toEqual(weight.dims);
    const values = weights[i]!;
    for (let j = 0; j < values.length; j++) {
      const saved = values[j]!;
      values[j] = saved + H;
      const plus = await loss();
      values[j] = saved - H;
      const minus = await loss();
      values[j] = saved;
      const numeric = (plus - minus) / (2 * H);
      const analytic = (gradient.data as Float64Array)[j]!;
      const error = Math.abs(analytic - numeric);
      const bound = Math.max(RELATIVE_ERROR_BOUND * Math.max(Math.abs(numeric), Math.abs(analytic)), ABSOLUTE_FLOOR);
      expect(error, `${weight.name}[${j}]: ${analytic} vs ${numeric}`).toBeLessThanOrEqual(bound);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(0);
  return step;
}

const x23 = { x: w([2, 3]) };

describe('gradient rules against central finite differences (float64)', () => {
  it('MatMul then Add with a broadcast bias', async () => {
    const model = makeModel(
      {
        inputs: [input('x', [2, 3])],
        outputs: [output('y', [2, 4])],
        nodes: [node('MatMul', ['x', 'W'], ['h']), node('Add', ['h', 'b'], ['y'])],
      },
      { W: w([3, 4]), b: w([4]) },
    );
    await checkGradients(model, x23);
  });

  it('batched MatMul, weights broadcast over the batch axis on either side', async () => {
    const model = makeModel(
      {
        inputs: [input('x', [2, 3, 4])],
        outputs: [output('y', [2, 3, 2])],
        nodes: [node('Mul', ['x', 'S'], ['xs']), node('MatMul', ['xs', 'W'], ['h']), node('MatMul', ['L', 'h'], ['y'])],
      },
      { S: w([4]), W: w([4, 2]), L: w([3, 3]) },
    );
    await checkGradients(model, { x: w([2, 3, 4]) });
  });

  for (const [transA, transB] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ] as const) {
    for (const bias of [[4], [1, 4], [2, 1], []]) {
      it(`Gemm transA=${transA} transB=${transB} alpha/beta, bias ${JSON.stringify(bias)}`, async () => {
        const model = makeModel(
          {
            inputs: [input('x', transA ? [3, 2] : [2, 3])],
            outputs: [output('y', [2, 4])],
            nodes: [
              node('Mul', ['x', 'S'], ['xs']),
              node('Gemm', ['xs', 'W', 'c'], ['y'], { transA, transB, alpha: { float: 0.7 }, beta: { float: 1.3 } }),
            ],
          },
          { S: w(transA ? [3, 2] : [2, 3]), W: w(transB ? [4, 3] : [3, 4]), c: w(bias) },
        );
        await checkGradients(model, { x: w(transA ? [3, 2] : [2, 3]) });
      });
    }
  }

  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    for (const shape of [[3], [1, 3], [2, 1], [2, 3], []]) {
      it(`${op} broadcasting a [2, 3] weight with a ${JSON.stringify(shape)} weight, both trained`, async () => {
        const model = makeModel(
          {
            inputs: [input('x', [2, 3])],
            outputs: [output('y', [2, 3])],
            nodes: [node('Mul', ['x', 'A'], ['xa']), node(op, ['xa', 'B'], ['y'])],
          },
          { A: w([2, 3]), B: w(shape, op === 'Div' ? 2 : 0) },
        );
        await checkGradients(model, x23);
      });
    }
  }

  it('Sub and Div with the weight as the second operand of a data tensor', async () => {
    const model = makeModel(
      {
        inputs: [input('x', [2, 3])],
        outputs: [output('y', [2, 3])],
        nodes: [node('Sub', ['x', 'A'], ['d']), node('Div', ['d', 'B'], ['y'])],
      },
      { A: w([3]), B: w([2, 1], 2) },
    );
    await checkGradients(model, x23);
  });

  for (const [op, attributes] of [
    ['Relu', {}],
    ['LeakyRelu', { alpha: { float: 0.2 } }],
    ['Sigmoid', {}],
    ['Tanh', {}],
    ['Softmax', { axis: 1 }],
    ['Softmax', { axis: 0 }],
    ['LogSoftmax', { axis: 1 }],
    ['LogSoftmax', { axis: -1 }],
    ['Identity', {}],
    ['Dropout', {}],
    ['Cast', { to: 1 }],
  ] as const) {
    it(`${op} ${JSON.stringify(attributes)}`, async () => {
      const model = makeModel(
        {
          inputs: [input('x', [2, 3])],
          outputs: [output('y', [2, 4])],
          nodes: [
            node('MatMul', ['x', 'W'], ['h']),
            node(op, ['h'], ['a'], attributes),
            node('MatMul', ['a', 'V'], ['y']),
          ],
        },
        { W: w([3, 3]), V: w([3, 4]) },
      );
      await checkGradients(model, x23, { loss: 'mse' });
    });
  }

  it('Softmax over the last axis of a rank-3 tensor (opset 13 semantics)', async () => {
    const model = makeModel(
      {
        inputs: [input('x', [2, 2, 3])],
        outputs: [output('y', [2, 2, 3])],
        nodes: [node('Mul', ['x', 'W'], ['h']), node('Softmax', ['h'], ['y'], { axis: -1 })],
      },
      { W: w([2, 3]) },
    );
    await checkGradients(model, { x: w([2, 2, 3]) }, { loss: 'mse' });
  });

  it('Flatten and Reshape (0 and -1 in the shape) between weights', async () => {
    const model = encodeModel({
      name: 'reshape',
      inputs: [input('x', [2, 2, 3])],
      outputs: [output('y', [2, 2, 2])],
      initializers: [
        floatTensor('A', [2, 3], w([2, 3]).values),
        floatTensor('W', [6, 4], w([6, 4]).values),
        floatTensor('B', [2, 2], w([2, 2]).values),
        { name: 'shape', dims: [3], dataType: 7, int64Data: [0, 2, -1] },
      ],
      nodes: [
        node('Mul', ['x', 'A'], ['xa']),
        node('Flatten', ['xa'], ['flat'], { axis: 1 }),
        node('MatMul', ['flat', 'W'], ['h']),
        node('Reshape', ['h', 'shape'], ['r']),
        node('Mul', ['r', 'B'], ['y']),
      ],
    });
    const step = await checkGradients(model, { x: w([2, 2, 3]) });
    expect(step.weights.map((weight) => weight.name)).toEqual(['A', 'W', 'B']);
  });

  it('a weight used twice: the gradients of both uses are summed', async () => {
    const model = makeModel(
      {
        inputs: [input('x', [2, 3])],
        outputs: [output('y', [2, 3])],
        nodes: [node('MatMul', ['x', 'W'], ['h']), node('Tanh', ['h'], ['t']), node('MatMul', ['t', 'W'], ['y'])],
      },
      { W: w([3, 3]) },
    );
    await checkGradients(model, x23);
  });

  it('an integer input cast to float: no gradient flows into the integer path', async () => {
    const model = encodeModel({
      name: 'ids',
      inputs: [{ name: 'ids', type: 'int64', shape: [2, 3] }],
      outputs: [output('y', [2, 2])],
      initializers: [floatTensor('W', [3, 2], w([3, 2]).values)],
      nodes: [node('Cast', ['ids'], ['f'], { to: 1 }), node('MatMul', ['f', 'W'], ['y'])],
    });
    const step = buildTrainStep(model, { elementType: 'float64' });
    expect(step.weights.map((weight) => weight.name)).toEqual(['W']);
  });

  describe('losses', () => {
    const classifier = (last: string[], opset = 13) =>
      makeModel(
        {
          inputs: [input('x', [2, 3])],
          outputs: [output('y', [2, 4])],
          nodes: [
            node('Gemm', ['x', 'W', 'b'], ['z']),
            ...(last.length ? [node(last[0]!, ['z'], ['y'], { axis: 1 })] : []),
          ].map((n) => (last.length ? n : { ...n, output: ['y'] })),
          opset,
        },
        { W: w([3, 4]), b: w([4]) },
      );

    it('cross-entropy fused with a final Softmax (inferred)', async () => {
      const step = await checkGradients(classifier(['Softmax']), x23);
      expect([step.loss, step.lossInferred]).toEqual(['cross_entropy', true]);
    });

    it('cross-entropy fused with a final LogSoftmax (inferred)', async () => {
      const step = await checkGradients(classifier(['LogSoftmax']), x23);
      expect([step.loss, step.lossInferred]).toEqual(['cross_entropy', true]);
    });

    it('cross-entropy on logits when asked for; MSE is inferred for the same output', async () => {
      const step = await checkGradients(classifier([]), x23, { loss: 'cross_entropy' });
      expect([step.loss, step.lossInferred]).toEqual(['cross_entropy', false]);
      expect(buildTrainStep(classifier([])).loss).toBe('mse');
    });

    it('at opset 11 (ReduceSum axes as an attribute): Softmax classifier and a LogSoftmax under MSE', async () => {
      await checkGradients(classifier(['Softmax'], 11), x23);
      await checkGradients(classifier(['LogSoftmax'], 11), x23, { loss: 'mse' });
      const broadcast = makeModel(
        {
          inputs: [input('x', [2, 3])],
          outputs: [output('y', [2, 3])],
          nodes: [
            node('Mul', ['x', 'A'], ['xa']),
            node('Add', ['xa', 'B'], ['h']),
            node('Softmax', ['h'], ['y'], { axis: 1 }),
          ],
          opset: 11,
        },
        { A: w([2, 1]), B: w([3]) },
      );
      await checkGradients(broadcast, x23, { loss: 'mse' });
    });
  });
});
