/**
 * From a stored model and one request item to the model's input tensors: the model's `input_schema`
 * (JSON Schema 2020-12) first, then its preprocessing adapter, then the tensor checks of build-feeds.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ModelRow } from '../../models/module.js';
import { buildFeeds } from './build-feeds.js';
import { InputProblem } from './input-problem.js';
import { preprocessors } from './preprocess.js';
import { commonRows, type Feeds } from '../engine/tensors.js';

export interface RequestItem {
  input?: unknown;
  inputs?: Record<string, unknown>;
}

const ajv = new Ajv2020({ strict: false, allErrors: false });
const validators = new WeakMap<object, ValidateFunction>();

function schemaValidator(schema: Record<string, unknown>): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
  return validate;
}

/**
 * A problem in the tensor a preprocessing adapter made (a value beyond the element type, say), reported on
 * the request's `input`, which is what the caller sent: `element 5` of the adapter's flat tensor.
 */
function adapterProblem(problem: InputProblem, adapter: string, path: string): InputProblem {
  const element = /\.data\[(\d+)\]$/.exec(problem.path)?.[1];
  const where = element !== undefined ? `element ${element} of the tensor it made` : 'the tensor it made';
  return new InputProblem(path, `the ${adapter} preprocessing adapter: ${where}: ${problem.message}`);
}

/**
 * The request's tensors, and its rows: dimension 0 when every input shares it, else 1 (a request the
 * dynamic batcher cannot stack runs alone, and is checked against the model's signature only).
 */
export function prepareRequest(model: ModelRow, item: RequestItem, path = ''): { feeds: Feeds; rows: number } {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (model.inputSchema && item.input !== undefined) {
    const validate = schemaValidator(model.inputSchema);
    if (!validate(item.input)) {
      const issue = validate.errors?.[0];
      throw new InputProblem(
        at(`input${issue?.instancePath.replaceAll('/', '.') ?? ''}`),
        `does not match the model's input_schema: ${issue?.message ?? 'invalid'}`,
      );
    }
  }
  let request = item;
  const adapter =
    model.preprocessing && model.preprocessing !== 'passthrough' ? preprocessors[model.preprocessing] : undefined;
  if (adapter) {
    if (item.input === undefined)
      throw new InputProblem(at('input'), `the model's ${model.preprocessing} adapter takes its input in input`);
    if (model.inputs.length !== 1)
      throw new InputProblem(at('input'), `the ${model.preprocessing} adapter needs a model with one input`);
    request = { input: adapter(item.input, model.inputs[0]!, at('input')) };
    try {
      const feeds = buildFeeds(model.inputs, request, path);
      return { feeds, rows: commonRows(feeds) ?? 1 };
    } catch (error) {
      throw error instanceof InputProblem ? adapterProblem(error, model.preprocessing!, at('input')) : error;
    }
  }
  const feeds = buildFeeds(model.inputs, request, path);
  return { feeds, rows: commonRows(feeds) ?? 1 };
}
