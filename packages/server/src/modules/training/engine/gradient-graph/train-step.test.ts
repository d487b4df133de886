/**
 * The train-step graph as the training module uses it, in float32 on the fixture models: SGD steps reduce the
 * loss, the loss output equals the loss computed by hand from the inference model's own output, writeWeights'
 * model runs the trained weights, and an operator without a gradient rule is refused by name.
 */
import { fixtureBytes } from '@computeplane/test-support/fixtures';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, floatTensor, node, seededWeights } from '../../../../../../../scripts/fixtures/onnx-graph.js';
import { decodeModel, tensorValues } from './onnx.js';
import { buildTrainStep, GradientGraphError, UnsupportedOperatorError, writeWeights, type TrainStep } from './index.js';

const random = seededWeights(99);
const BATCH = 16;
/** A fixed synthetic batch for tiny-mlp: labels from a hidden linear teacher, so the task is learnable. */
const inputs = Float32Array.from(random(BATCH * 4));
const labels = BigInt64Array.from({ length: BATCH }, (_, i) => {
  const [a, b, c, d] = inputs.subarray(i * 4, i * 4 + 4);
  const scores = [a! + b!, c! - d!, -a! - c!];
  return BigInt(scores.indexOf(Math.max(...scores)));
});

async function trainStepRunner(step: TrainStep) {
  const session = await ort.InferenceSession.create(step.model);
  return async (data: Record<string, ort.Tensor>, labelsTensor: ort.Tensor, weights: Float32Array[]) => {
    const feeds: Record<string, ort.Tensor> = { ...data, [step.labels.name]: labelsTensor };
    step.weights.forEach((w, i) => (feeds[w.name] = new ort.Tensor('float32', weights[i]!, w.dims)));
    const out = await session.run(feeds);
    return {
      loss: (out[step.lossOutput]!.data as Float32Array)[0]!,
      gradients: step.gradientOutputs.map((name) => out[name]!.data as Float32Array),
    };
  };
}

async function infer(model: Uint8Array, data: Record<string, ort.Tensor>, output: string) {
  const session = await ort.InferenceSession.create(model);
  return (await session.run(data))[output]!.data as Float32Array;
}

describe('buildTrainStep on tiny-mlp (Gemm, Relu, Gemm, Softmax)', () => {
  const model = fixtureBytes('tiny-mlp.onnx');
  const data = { input: new ort.Tensor('float32', inputs, [BATCH, 4]) };
  const labelsTensor = new ort.Tensor('int64', labels, [BATCH]);

  it('infers cross-entropy on the final Softmax and lists the weights in initializer order', () => {
    const step = buildTrainStep(model);
    expect(step).toMatchObject({ loss: 'cross_entropy', lossInferred: true, output: 'probabilities' });
    expect(step.dataInputs).toEqual(['input']);
    expect(step.labels).toEqual({ name: 'labels', type: 'int64', dims: ['batch'] });
    expect(step.weights.map((w) => [w.name, w.dims])).toEqual([
      ['w1', [4, 8]],
      ['b1', [8]],
      ['w2', [8, 3]],
      ['b2', [3]],
    ]);
    expect(step.gradientOutputs).toEqual(['gradient:w1', 'gradient:b1', 'gradient:w2', 'gradient:b2']);
  });

  it('SGD steps reduce the loss, and writeWeights gives the model the trained weights', async () => {
    const step = buildTrainStep(model);
    const run = await trainStepRunner(step);
    const weights = step.weights.map((w) => Float32Array.from(w.values));
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { loss, gradients } = await run(data, labelsTensor, weights);
      losses.push(loss);
      weights.forEach((w, k) => w.forEach((_, j) => (w[j]! -= 0.5 * gradients[k]![j]!)));
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
    expect(losses.every((loss, i) => i === 0 || loss <= losses[i - 1]! + 1e-6)).toBe(true);

    const trained = writeWeights(model, Object.fromEntries(step.weights.map((w, i) => [w.name, weights[i]!])));
    const written = decodeModel(trained).graph!.initializer!;
    step.weights.forEach((w, i) =>
      expect(tensorValues(written.find((t) => t.name === w.name)!)).toEqual([...weights[i]!]),
    );
    // The written model's probabilities give, by hand, the loss the train-step graph computes at those weights.
    const probabilities = await infer(trained, data, 'probabilities');
    const byHand =
      -[...labels].reduce((sum, label, i) => sum + Math.log(probabilities[i * 3 + Number(label)]!), 0) / BATCH;
    expect((await run(data, labelsTensor, weights)).loss).toBeCloseTo(byHand, 5);
    const before = await infer(model, data, 'probabilities');
    expect(probabilities).not.toEqual(before);
  });
});

describe('buildTrainStep on the other fixtures', () => {
  it('regression.onnx: MSE inferred, its loss equals the mean squared error of the prediction', async () => {
    const model = fixtureBytes('regression.onnx');
    const step = buildTrainStep(model);
    expect(step).toMatchObject({ loss: 'mse', lossInferred: true, labels: { type: 'float32', dims: ['batch', 1] } });
    const features = new ort.Tensor('float32', Float32Array.from(random(12)), [4, 3]);
    const targets = Float32Array.from(random(4));
    const { loss } = await (
      await trainStepRunner(step)
    )(
      { features },
      new ort.Tensor('float32', targets, [4, 1]),
      step.weights.map((w) => w.values),
    );
    const prediction = await infer(model, { features }, 'prediction');
    expect(loss).toBeCloseTo(prediction.reduce((s, p, i) => s + (p - targets[i]!) ** 2, 0) / 4, 6);
  });

  it('image-classifier.onnx (Flatten) and token-classifier.onnx (an int64 input through Cast) build and run', async () => {
    for (const [name, data, dims] of [
      ['image-classifier.onnx', 'pixels', [2, 3, 4, 4]],
      ['token-classifier.onnx', 'input_ids', [2, 8]],
    ] as const) {
      const step = buildTrainStep(fixtureBytes(name));
      const size = dims.reduce((a: number, b: number) => a * b, 1);
      const tensor =
        name === 'token-classifier.onnx'
          ? new ort.Tensor(
              'int64',
              BigInt64Array.from({ length: size }, (_, i) => BigInt(i % 5)),
              [...dims],
            )
          : new ort.Tensor('float32', Float32Array.from(random(size)), [...dims]);
      const { loss, gradients } = await (
        await trainStepRunner(step)
      )(
        { [data]: tensor },
        new ort.Tensor('int64', BigInt64Array.from([0n, 1n]), [2]),
        step.weights.map((w) => w.values),
      );
      expect(Number.isFinite(loss)).toBe(true);
      expect(gradients.map((g) => g.length)).toEqual(step.weights.map((w) => w.values.length));
    }
  });
});

describe('refusals', () => {
  const convModel = () =>
    encodeModel({
      name: 'conv',
      inputs: [{ name: 'image', type: 'float32', shape: ['batch', 1, 4, 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', 9] }],
      initializers: [floatTensor('kernel', [1, 1, 2, 2], random(4)), floatTensor('w', [9, 9], random(81))],
      nodes: [
        node('Conv', ['image', 'kernel'], ['features']),
        node('Flatten', ['features'], ['flat'], { axis: 1 }),
        node('MatMul', ['flat', 'w'], ['y']),
      ],
    });

  it('an operator on the gradient path without a rule is refused, naming the operator and the node', () => {
    expect(() => buildTrainStep(convModel())).toThrow(UnsupportedOperatorError);
    expect(() => buildTrainStep(convModel())).toThrow('operator Conv (node "Conv_features") has no gradient rule');
    try {
      buildTrainStep(convModel());
    } catch (error) {
      expect(error).toMatchObject({ opType: 'Conv', nodeName: 'Conv_features' });
    }
  });

  it('operators only on a shape computation need no rule', async () => {
    const model = encodeModel({
      name: 'shape_path',
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', 2] }],
      initializers: [
        floatTensor('w', [4, 2], random(8)),
        { name: 'zero', dims: [1], dataType: 7, int64Data: [0] },
        { name: 'minus_one', dims: [1], dataType: 7, int64Data: [-1] },
      ],
      nodes: [
        node('MatMul', ['x', 'w'], ['h']),
        node('Shape', ['x'], ['x_shape']),
        node('Gather', ['x_shape', 'zero'], ['batch_size'], { axis: 0 }),
        node('Concat', ['batch_size', 'minus_one'], ['target'], { axis: 0 }),
        node('Reshape', ['h', 'target'], ['y']),
      ],
    });
    const step = buildTrainStep(model);
    expect(step.weights.map((w) => w.name)).toEqual(['w']);
    const { gradients } = await (
      await trainStepRunner(step)
    )(
      { x: new ort.Tensor('float32', Float32Array.from(random(8)), [2, 4]) },
      new ort.Tensor('float32', Float32Array.from(random(4)), [2, 2]),
      [step.weights[0]!.values],
    );
    expect(gradients[0]!.length).toBe(8);
  });

  it('frozen initializers stay constants of the train-step graph', () => {
    const step = buildTrainStep(fixtureBytes('tiny-mlp.onnx'), { frozen: ['w1', 'b2'] });
    expect(step.weights.map((w) => w.name)).toEqual(['b1', 'w2']);
    const graph = decodeModel(step.model).graph!;
    expect(graph.initializer!.map((t) => t.name)).toEqual(expect.arrayContaining(['w1', 'b2']));
    expect(graph.input!.map((i) => i.name)).toEqual(['input', 'labels', 'b1', 'w2']);
  });

  it('bad options and models are GradientGraphErrors that say what to fix', () => {
    const mlp = fixtureBytes('tiny-mlp.onnx');
    expect(() => buildTrainStep(mlp, { output: 'nope' })).toThrow('the model has no output named "nope"');
    expect(() => buildTrainStep(fixtureBytes('regression.onnx'), { loss: 'cross_entropy' })).not.toThrow();
    const old = encodeModel({
      name: 'old',
      inputs: [{ name: 'x', type: 'float32', shape: [1, 2] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1, 2] }],
      initializers: [floatTensor('w', [2, 2], random(4))],
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
      opset: 10,
    });
    expect(() => buildTrainStep(old)).toThrow(GradientGraphError);
    expect(() => buildTrainStep(old)).toThrow('opset 10 is too old to train: it needs 11 or later');
    expect(() => writeWeights(mlp, { w9: new Float32Array(1) })).toThrow('the model has no initializer named "w9"');
    expect(() => writeWeights(mlp, { w1: new Float32Array(3) })).toThrow(
      'initializer "w1" has 32 values; 3 were given',
    );
  });
});
