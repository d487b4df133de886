/**
 * buildTrainStep: from an ONNX inference model, the ONNX train-step graph of standard operators. Its inputs
 * are the model's data inputs, a labels input and every trainable weight; its outputs the scalar loss and one
 * gradient per weight. Initializers that are not trained (shape tensors, integer constants, float constants
 * no gradient reaches) stay initializers.
 */
import { backward } from './backward.js';
import { Emitter } from './emitter.js';
import { GradientGraphError } from './errors.js';
import { chooseLoss } from './losses/choose-loss.js';
import { crossEntropy } from './losses/cross-entropy.js';
import { meanSquaredError } from './losses/mean-squared-error.js';
import { DOUBLE, FLOAT, INT64, decodeModel, dimsOf, encodeModel, tensorValues, toNumber } from './onnx.js';
import type { NodeProto, ValueInfoProto } from './onnx.js';
import { inferShapes } from './shapes.js';
import { expandForFloat64, modelToFloat64 } from './to-float64.js';
import { topologicalOrder } from './topological-order.js';
import type { TrainStep, TrainStepOptions } from './train-step-types.js';

/** The oldest opset whose operators the backward graph uses (Range, ReduceSum's forms, Where, Sign). */
export const MIN_OPSET = 11;

function tensorValue(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function ancestors(order: NodeProto[], of: string): NodeProto[] {
  const needed = new Set([of]);
  const kept: NodeProto[] = [];
  for (const node of [...order].reverse()) {
    if (!node.output?.some((o) => needed.has(o))) continue;
    kept.unshift(node);
    node.input?.forEach((i) => needed.add(i));
  }
  return kept;
}

export function buildTrainStep(modelBytes: Uint8Array, options: TrainStepOptions = {}): TrainStep {
  const original = decodeModel(modelBytes);
  const float64 = options.elementType === 'float64';
  const model = float64 ? modelToFloat64(original) : original;
  const graph = model.graph ?? {};
  const opset = toNumber(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version);
  if (opset < MIN_OPSET)
    throw new GradientGraphError(`opset ${opset} is too old to train: it needs ${MIN_OPSET} or later`);
  const initializers = graph.initializer ?? [];
  const initializerNames = new Set(initializers.map((t) => t.name ?? ''));
  const dataInputs = (graph.input ?? []).filter((i) => !initializerNames.has(i.name ?? ''));
  const output = options.output ?? graph.output?.[0]?.name ?? '';
  const declaredOutput = graph.output?.find((o) => o.name === output);
  if (!declaredOutput) throw new GradientGraphError(`the model has no output named "${output}"`);

  const order = topologicalOrder(graph);
  const info = inferShapes(graph, order);
  const producer = order.find((n) => n.output?.includes(output));
  const choice = chooseLoss(output, producer, info.get(output)?.dims, options.loss);

  const elemType = float64 ? DOUBLE : FLOAT;
  const taken = new Set([...initializerNames, ...order.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])])]);
  dataInputs.forEach((i) => taken.add(i.name ?? ''));
  const e = new Emitter(taken, opset, elemType);
  const labelsName = e.claim('labels');
  const outputDims = (declaredOutput.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || toNumber(d.dimValue));
  const labels =
    choice.loss === 'cross_entropy'
      ? { name: labelsName, type: 'int64' as const, dims: [outputDims[0] ?? 'batch'] }
      : { name: labelsName, type: float64 ? ('float64' as const) : ('float32' as const), dims: outputDims };

  const lossGraph = (choice.loss === 'cross_entropy' ? crossEntropy : meanSquaredError)({
    e,
    value: choice.value,
    labels: labelsName,
  });
  const frozen = new Set(options.frozen ?? []);
  const candidates = new Set(
    initializers.filter((t) => t.dataType === elemType && !frozen.has(t.name ?? '')).map((t) => t.name ?? ''),
  );
  const forward = ancestors(order, choice.value);
  const gradients = backward({
    e,
    order: forward,
    info,
    candidates,
    start: lossGraph.start,
    startGradient: lossGraph.gradient,
  });
  const trained = initializers.filter((t) => gradients.has(t.name ?? ''));
  if (trained.length === 0) throw new GradientGraphError(`no trainable weight reaches output "${output}"`);
  const trainedNames = new Set(trained.map((t) => t.name ?? ''));
  const lossOutput = e.op('Identity', [lossGraph.loss], {}, e.claim('loss'));
  const gradientOutputs = trained.map((t) =>
    e.op('Identity', [gradients.get(t.name ?? '')!], {}, e.claim(`gradient:${t.name ?? ''}`)),
  );

  const trainStep = {
    ...model,
    graph: {
      name: `${graph.name ?? 'model'}_train_step`,
      node: [...(float64 ? expandForFloat64(forward, e) : forward), ...e.nodes],
      initializer: [...initializers.filter((t) => !trainedNames.has(t.name ?? '')), ...e.initializers],
      input: [
        ...dataInputs,
        tensorValue(labelsName, labels.type === 'int64' ? INT64 : elemType, labels.dims),
        ...trained.map((t) => tensorValue(t.name ?? '', elemType, dimsOf(t))),
      ],
      output: [
        tensorValue(lossOutput, elemType, []),
        ...trained.map((t, i) => tensorValue(gradientOutputs[i]!, elemType, dimsOf(t))),
      ],
    },
  };
  return {
    model: encodeModel(trainStep),
    loss: choice.loss,
    lossInferred: choice.inferred,
    output,
    dataInputs: dataInputs.map((i) => i.name ?? ''),
    labels,
    weights: trained.map((t) => ({ name: t.name ?? '', dims: dimsOf(t), values: Float32Array.from(tensorValues(t)) })),
    lossOutput,
    gradientOutputs,
  };
}
