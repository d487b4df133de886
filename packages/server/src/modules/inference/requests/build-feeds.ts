/**
 * Turns request tensors (`{data, shape}` or `{data_base64, shape}`, or named ones for multi-input models) into typed input
 * tensors for the model, checked against the model's real inputs: names, rank, fixed dimensions, symbolic
 * dimensions of one size across inputs, element count against the shape, element type and value ranges. Every failure is an InputProblem
 * naming the field, never a runtime crash.
 */
import type { TensorInfo } from '../../../platform/db/schema.js';
import { bytesPerElement, elementCount, fromBytes, fromJson, isSupportedType, type Feeds } from '../engine/tensors.js';
import { InputProblem } from './input-problem.js';
import { checkSymbolicDims } from './model-signature.js';

/** A request tensor: its elements as JSON numbers (`data`) or as base64 bytes (`data_base64`). */
export interface JsonTensor {
  data?: unknown[];
  data_base64?: string;
  shape: number[];
}

export function isJsonTensor(value: unknown): value is JsonTensor {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as JsonTensor).shape)) return false;
  const { data, data_base64: base64 } = value as JsonTensor;
  return Array.isArray(data) || typeof base64 === 'string';
}

/**
 * RFC 4648 base64, standard alphabet, padding optional. A character-class scan rather than one pattern for
 * the whole string: a grouped pattern backtracks per 4 characters and overflowed V8's stack on 200 MB.
 */
function isBase64(text: string): boolean {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const length = text.length - padding;
  if (length % 4 === 1 || (padding > 0 && text.length % 4 !== 0)) return false;
  return !/[^A-Za-z0-9+/]/.test(padding > 0 ? text.slice(0, length) : text);
}

export function tensorFor(info: TensorInfo, tensor: unknown, path: string): Feeds[string] {
  if (!isJsonTensor(tensor))
    throw new InputProblem(
      path,
      `expected a tensor {data, shape} or {data_base64, shape} for model input '${info.name}'`,
    );
  const { data, data_base64: base64, shape } = tensor;
  if (data !== undefined && base64 !== undefined)
    throw new InputProblem(path, 'send the elements once: data (JSON numbers) or data_base64 (bytes), not both');
  if (!shape.every((dim) => Number.isInteger(dim) && dim >= 0))
    throw new InputProblem(`${path}.shape`, 'dimensions must be integers >= 0');
  if (shape.length !== info.shape.length) {
    throw new InputProblem(
      `${path}.shape`,
      `model input '${info.name}' has ${info.shape.length} dimensions ${JSON.stringify(info.shape)}, got ${shape.length} ${JSON.stringify(shape)}`,
    );
  }
  info.shape.forEach((dim, index) => {
    if (typeof dim === 'number' && dim >= 0 && shape[index] !== dim) {
      throw new InputProblem(
        `${path}.shape[${index}]`,
        `model input '${info.name}' fixes dimension ${index} at ${dim}, got ${shape[index]}`,
      );
    }
  });
  if (shape[0] === 0) throw new InputProblem(`${path}.shape[0]`, 'the batch dimension must be at least 1');
  if (!isSupportedType(info.type))
    throw new InputProblem(
      path,
      `model input '${info.name}' has element type ${info.type}, which this server cannot feed`,
    );
  const expected = elementCount(shape);
  if (base64 !== undefined) {
    if (!isBase64(base64))
      throw new InputProblem(
        `${path}.data_base64`,
        'is not base64 (RFC 4648: A-Z, a-z, 0-9, + and /, optional = padding)',
      );
    const bytes = Buffer.from(base64, 'base64');
    const needed = expected * bytesPerElement(info.type);
    if (bytes.byteLength !== needed) {
      throw new InputProblem(
        `${path}.data_base64`,
        `shape ${JSON.stringify(shape)} of ${info.type} needs ${needed} bytes (${expected} elements of ${bytesPerElement(info.type)}), got ${bytes.byteLength}`,
      );
    }
    const converted = fromBytes(info.type, bytes);
    if ('error' in converted) throw new InputProblem(`${path}.data_base64`, converted.error);
    return { type: info.type, dims: shape, data: converted.data };
  }
  if (data!.length !== expected)
    throw new InputProblem(
      `${path}.data`,
      `shape ${JSON.stringify(shape)} needs ${expected} elements, got ${data!.length}`,
    );
  const converted = fromJson(info.type, data!);
  if ('error' in converted)
    throw new InputProblem(`${path}.data[${converted.index}]`, `model input '${info.name}': ${converted.error}`);
  return { type: info.type, dims: shape, data: converted.data };
}

/** Feeds for `input` (single-input models) or `inputs` (by name). */
export function buildFeeds(
  modelInputs: TensorInfo[],
  request: { input?: unknown; inputs?: Record<string, unknown> },
  path = '',
): Feeds {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (request.input !== undefined && request.inputs !== undefined)
    throw new InputProblem(at('inputs'), 'send either input or inputs, not both');
  if (request.inputs !== undefined) {
    const feeds: Feeds = {};
    for (const info of modelInputs) {
      if (!(info.name in request.inputs))
        throw new InputProblem(
          at(`inputs.${info.name}`),
          `missing model input '${info.name}' (the model takes ${modelInputs.map((i) => i.name).join(', ')})`,
        );
      feeds[info.name] = tensorFor(info, request.inputs[info.name], at(`inputs.${info.name}`));
    }
    const unknown = Object.keys(request.inputs).filter((name) => !modelInputs.some((info) => info.name === name));
    if (unknown.length > 0)
      throw new InputProblem(
        at(`inputs.${unknown[0]}`),
        `the model has no input '${unknown[0]}' (it takes ${modelInputs.map((i) => i.name).join(', ')})`,
      );
    checkSymbolicDims(modelInputs, feeds, (name) => at(`inputs.${name}`));
    return feeds;
  }
  if (request.input === undefined)
    throw new InputProblem(at('input'), 'send input ({data, shape}) or inputs ({<name>: {data, shape}})');
  if (modelInputs.length !== 1) {
    throw new InputProblem(
      at('input'),
      `the model has ${modelInputs.length} inputs (${modelInputs.map((i) => i.name).join(', ')}): send them by name in inputs`,
    );
  }
  const feeds = { [modelInputs[0]!.name]: tensorFor(modelInputs[0]!, request.input, at('input')) };
  checkSymbolicDims(modelInputs, feeds, () => at('input'));
  return feeds;
}

/** Rows of a stacked batch: dimension 0 of its tensors, which must agree across inputs. */
export function rowsOf(feeds: Feeds, path = 'inputs'): number {
  const rows = new Set(Object.values(feeds).map((tensor) => tensor.dims[0]));
  if (rows.size > 1)
    throw new InputProblem(path, `all inputs must have the same batch dimension, got ${[...rows].join(' and ')}`);
  return [...rows][0] ?? 1;
}
