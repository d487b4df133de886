/**
 * From a stored model and one request item to the model's input tensors: the model's `input_schema`
 * (JSON Schema 2020-12) first, then its preprocessing adapter, then the tensor checks of build-feeds.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ModelRow } from '../../models/module.js';
import { buildFeeds, rowsOf } from './build-feeds.js';
import { InputProblem } from './input-problem.js';
import { preprocessors } from './preprocess.js';
import type { Feeds } from '../engine/tensors.js';

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
  }
  const feeds = buildFeeds(model.inputs, request, path);
  return { feeds, rows: rowsOf(feeds, at('inputs')) };
}
