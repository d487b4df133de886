/**
 * `npm run bench:train-step`: one train step (loss and weight gradients) of an MLP classifier through the
 * derived ONNX train-step graph on onnxruntime-node, against the same step hand-written in plain TypeScript
 * (forward, softmax cross-entropy, backward). Same weights, same batch; the two are first checked to agree,
 * then timed in turn in one run. Prints medians and the ratio (derived graph / hand-written). Both sides use
 * one thread (the session is created with intraOpNumThreads 1), as a device running several tasks would.
 *
 * Two MLPs: the tiny-mlp fixture (Gemm 4->8, Relu, Gemm 8->3, Softmax; batch 32) and a wider one built here
 * (Gemm 64->128, Relu, Gemm 128->10, Softmax; batch 256). Options (environment): TRAIN_STEP_ROUNDS (default 1000).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildTrainStep } from '../../packages/server/src/modules/training/engine/gradient-graph/index.js';
import { encodeModel, floatTensor, node, seededWeights } from '../fixtures/onnx-graph.js';
import { repoRoot } from '../lib/specs.js';
import { handWrittenStep, type MlpShape } from './train-step-by-hand.js';

const rounds = Number(process.env.TRAIN_STEP_ROUNDS ?? 1000);
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const random = seededWeights(4242);

function wideMlp({ inputs, hidden, classes }: MlpShape): Uint8Array {
  return encodeModel({
    name: 'wide_mlp',
    inputs: [{ name: 'input', type: 'float32', shape: ['batch', inputs] }],
    outputs: [{ name: 'probabilities', type: 'float32', shape: ['batch', classes] }],
    initializers: [
      floatTensor('w1', [inputs, hidden], random(inputs * hidden)),
      floatTensor('b1', [hidden], random(hidden)),
      floatTensor('w2', [hidden, classes], random(hidden * classes)),
      floatTensor('b2', [classes], random(classes)),
    ],
    nodes: [
      node('Gemm', ['input', 'w1', 'b1'], ['hidden']),
      node('Relu', ['hidden'], ['activated']),
      node('Gemm', ['activated', 'w2', 'b2'], ['logits']),
      node('Softmax', ['logits'], ['probabilities'], { axis: 1 }),
    ],
  });
}

async function bench(label: string, model: Uint8Array, shape: MlpShape, batch: number) {
  const step = buildTrainStep(model);
  const session = await ort.InferenceSession.create(step.model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const x = Float32Array.from(random(batch * shape.inputs));
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % shape.classes);
  const weights = step.weights.map((w) => w.values);
  const viaGraph = async () => {
    const feeds: Record<string, ort.Tensor> = {
      input: new ort.Tensor('float32', x, [batch, shape.inputs]),
      [step.labels.name]: new ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [batch]),
    };
    step.weights.forEach((w, i) => (feeds[w.name] = new ort.Tensor('float32', weights[i]!, w.dims)));
    const out = await session.run(feeds);
    return {
      loss: out[step.lossOutput]!.data[0] as number,
      gradients: step.gradientOutputs.map((n) => out[n]!.data as Float32Array),
    };
  };
  const byHand = () =>
    handWrittenStep(shape, weights as [Float32Array, Float32Array, Float32Array, Float32Array], x, labels);

  const [graph, hand] = [await viaGraph(), byHand()];
  let worst = Math.abs(graph.loss - hand.loss) / Math.max(Math.abs(hand.loss), 1e-6);
  graph.gradients.forEach((g, k) =>
    g.forEach(
      (v, j) =>
        (worst = Math.max(
          worst,
          Math.abs(v - hand.gradients[k]![j]!) / Math.max(Math.abs(hand.gradients[k]![j]!), 1e-3),
        )),
    ),
  );
  if (!(worst < 1e-3)) throw new Error(`${label}: the two steps disagree (worst relative difference ${worst})`);

  const graphTimes: number[] = [];
  const handTimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let started = performance.now();
    await viaGraph();
    graphTimes.push(performance.now() - started);
    started = performance.now();
    byHand();
    handTimes.push(performance.now() - started);
  }
  const [g, h] = [median(graphTimes) * 1000, median(handTimes) * 1000];
  console.log(
    `${label.padEnd(34)} derived graph ${g.toFixed(1).padStart(8)} µs   hand-written TS ${h.toFixed(1).padStart(8)} µs   ratio ${(g / h).toFixed(2)}   (agree within ${worst.toExponential(1)})`,
  );
}

async function main() {
  console.log(`\none train step (loss + gradients), ${rounds} rounds each, medians`);
  const tiny = new Uint8Array(readFileSync(join(repoRoot, 'fixtures/models/tiny-mlp.onnx')));
  await bench('tiny-mlp 4-8-3, batch 32', tiny, { inputs: 4, hidden: 8, classes: 3 }, 32);
  const wide = { inputs: 64, hidden: 128, classes: 10 };
  await bench('wide mlp 64-128-10, batch 256', wideMlp(wide), wide, 256);
}

await main();
