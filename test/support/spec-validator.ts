/**
 * Validates real responses against the hand-written specs (not the generated code): Ajv in JSON
 * Schema 2020-12 mode, which is the dialect of OpenAPI 3.1 schemas, over each area's bundled document.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { bundleAll, type OpenApiDocument } from '../../scripts/lib/specs.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface SpecOperation {
  area: string;
  operationId: string;
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  /** The operation takes a JSON request body. */
  jsonBody: boolean;
  /** Names of its query parameters. */
  query: string[];
}

export interface SpecValidator {
  operations: SpecOperation[];
  operation(operationId: string): SpecOperation;
  /** Whether `value` matches `schema`, a schema of `area`'s bundled document (its `#/components/` refs resolve there). */
  matches(area: string, schema: unknown, value: unknown): boolean;
  /** Throws with a readable report when status, content type or body do not match the spec. */
  check(operationId: string, response: { status: number; contentType: string | null; body: unknown }): void;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export async function loadSpecValidator(): Promise<SpecValidator> {
  const docs = await bundleAll();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const operations: SpecOperation[] = [];
  for (const [area, doc] of Object.entries(docs)) {
    ajv.addSchema({ $id: `${area}.json`, components: doc.components ?? {} } as object);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method] as
          | {
              operationId: string;
              responses: SpecOperation['responses'];
              requestBody?: { content?: Record<string, unknown> };
              parameters?: unknown[];
            }
          | undefined;
        const jsonBody = Boolean(op?.requestBody?.content?.['application/json']);
        if (op)
          operations.push({
            area,
            operationId: op.operationId,
            method,
            path,
            responses: resolveResponses(doc, op.responses),
            jsonBody,
            query: queryParameters(doc, op.parameters ?? []),
          });
      }
    }
  }
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (area: string, schema: unknown) => {
    const key = `${area}:${JSON.stringify(schema)}`;
    let validate = compiled.get(key);
    if (!validate) {
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${area}.json#/components/`));
      compiled.set(key, (validate = ajv.compile(rewritten)));
    }
    return validate;
  };
  const operation = (operationId: string) => {
    const found = operations.find((op) => op.operationId === operationId);
    if (!found) throw new Error(`No operation ${operationId} in openapi/`);
    return found;
  };
  return {
    operations,
    operation,
    matches: (area, schema, value) => validatorFor(area, schema)(value) as boolean,
    check(operationId, { status, contentType, body }) {
      const op = operation(operationId);
      const declared = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
      if (!declared) {
        throw new Error(
          `${operationId} answered ${status}, which the spec does not declare (declared: ${Object.keys(op.responses).join(', ')})`,
        );
      }
      const media = Object.entries(declared.content ?? {});
      if (media.length === 0) {
        if (body !== undefined && body !== null && body !== '')
          throw new Error(`${operationId} ${status} has a body the spec does not declare`);
        return;
      }
      const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
      const match = media.find(([type]) => type === mediaType);
      if (!match)
        throw new Error(
          `${operationId} ${status} content type ${contentType} is not one of ${media.map(([t]) => t).join(', ')}`,
        );
      const schema = match[1].schema;
      if (!schema) return;
      // A binary file (`format: binary`) is bytes, not a JSON value: the SDK hands it over as an ArrayBuffer.
      if ((schema as { format?: string }).format === 'binary') {
        if (!(body instanceof ArrayBuffer)) throw new Error(`${operationId} ${status} binary body is not bytes`);
        return;
      }
      const validate = validatorFor(op.area, schema);
      if (!validate(body)) {
        throw new Error(
          `${operationId} ${status} body does not match the spec: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`,
        );
      }
    },
  };
}

/** Names of the query parameters, following `$ref`s to `#/components/parameters/...`. */
function queryParameters(doc: OpenApiDocument, parameters: unknown[]): string[] {
  const resolve = (value: unknown): { name?: string; in?: string } | undefined => {
    const ref = (value as { $ref?: string })?.$ref;
    return ref
      ? resolve(doc.components?.parameters?.[ref.replace('#/components/parameters/', '')])
      : (value as { name?: string; in?: string } | undefined);
  };
  return parameters
    .map(resolve)
    .flatMap((parameter) => (parameter?.in === 'query' && parameter.name ? [parameter.name] : []));
}

/** Response objects may be `$ref`s to `#/components/responses/...`; follow them. */
function resolveResponses(doc: OpenApiDocument, responses: Record<string, unknown>): SpecOperation['responses'] {
  const resolve = (value: unknown): unknown => {
    const ref = (value as { $ref?: string })?.$ref;
    if (!ref) return value;
    const name = ref.replace('#/components/responses/', '');
    return resolve(doc.components?.responses?.[name]);
  };
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [status, resolve(response)]),
  ) as SpecOperation['responses'];
}

export type { OpenApiDocument };
