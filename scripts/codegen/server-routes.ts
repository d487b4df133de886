/**
 * Server routes: for each operation of an area, a `createRoute()` from @hono/zod-openapi with zod
 * validators for path, query, header parameters and body and zod schemas for every response, all derived
 * from the spec. Handlers are typed from these routes, so the server never re-types a request or response
 * by hand. Idempotency-Key is also checked by server middleware, which needs it before the body is read.
 */
import type { OpenApiDocument } from '../lib/specs.js';
import { GENERATED_BANNER } from './banner.js';
import { schemaConstName, type SchemaObject } from './zod/context.js';
import { schemaToZod } from './zod/schema-to-zod.js';

type Parameter = { name: string; in: string; required?: boolean; schema: SchemaObject; $ref?: string };
type Operation = {
  operationId: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType>; $ref?: string };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, MediaType> }>;
  security?: Record<string, string[]>[];
};
type MediaType = { schema?: SchemaObject; encoding?: Record<string, { contentType?: string }> };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const resolve = <T extends { $ref?: string }>(doc: OpenApiDocument, value: T): T => {
  if (!value.$ref) return value;
  const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(value.$ref) ?? [];
  const target = section && name ? doc.components?.[section]?.[name] : undefined;
  if (!target) throw new Error(`cannot resolve ${value.$ref}`);
  return resolve(doc, target as T);
};

/** Component schemas in dependency order (each after the schemas it refers to). */
function renderComponentSchemas(doc: OpenApiDocument): string[] {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const rendered = new Map<string, { code: string; refs: Set<string> }>();
  for (const [name, schema] of Object.entries(schemas)) {
    const refs = new Set<string>();
    rendered.set(name, { code: schemaToZod(schema, { mode: 'value', refs, at: `components.schemas.${name}` }), refs });
  }
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`schema cycle ${[...trail, name].join(' -> ')}: not supported`);
    state.set(name, 'visiting');
    for (const ref of rendered.get(name)?.refs ?? []) visit(ref, [...trail, name]);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of [...rendered.keys()].sort()) visit(name, []);
  return ordered.map((name) => `export const ${schemaConstName(name)} = ${rendered.get(name)!.code};`);
}

/** Header names are matched as the validator sees them: lower case (HTTP header names ignore case). */
function renderParams(params: Parameter[], location: 'path' | 'query' | 'header', at: string): string | undefined {
  const selected = params.filter((param) => param.in === location);
  if (selected.length === 0) return undefined;
  const fields = selected.map((param) => {
    let code = schemaToZod(param.schema, { mode: 'param', refs: new Set(), at: `${at}.${param.name}` });
    if (!param.required && param.schema.default === undefined) code += '.optional()';
    return `${JSON.stringify(location === 'header' ? param.name.toLowerCase() : param.name)}: ${code}`;
  });
  return `z.object({ ${fields.join(', ')} })`;
}

/** A multipart body: files stay files, fields encoded as application/json are parsed from their text. */
function renderMultipart(doc: OpenApiDocument, media: MediaType, at: string): string {
  const schema = resolve(doc, media.schema ?? {});
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    let code = schemaToZod(property, { mode: 'value', refs: new Set(), at: `${at}.${name}` });
    if (media.encoding?.[name]?.contentType === 'application/json') code = `jsonText(${code})`;
    if (!required.has(name)) code += '.optional()';
    return `${JSON.stringify(name)}: ${code}`;
  });
  return schema.additionalProperties === false
    ? `z.strictObject({ ${fields.join(', ')} })`
    : `z.object({ ${fields.join(', ')} })`;
}

function renderBody(doc: OpenApiDocument, op: Operation): string | undefined {
  if (!op.requestBody) return undefined;
  const body = resolve(doc, op.requestBody);
  const content = Object.entries(body.content).map(([type, media]) => {
    const at = `${op.operationId}.body`;
    const schema =
      type === 'multipart/form-data'
        ? renderMultipart(doc, media, at)
        : schemaToZod(media.schema ?? {}, { mode: 'value', refs: new Set(), at });
    return `${JSON.stringify(type)}: { schema: ${schema} }`;
  });
  return `{ required: ${body.required === true}, content: { ${content.join(', ')} } }`;
}

function renderResponses(doc: OpenApiDocument, op: Operation): string {
  const entries = Object.entries(op.responses).map(([status, raw]) => {
    const response = resolve(doc, raw);
    const description = JSON.stringify(response.description ?? '');
    if (!response.content) return `${status}: { description: ${description} }`;
    const content = Object.entries(response.content).map(([type, media]) => {
      const schema = type.includes('json')
        ? schemaToZod(media.schema ?? {}, { mode: 'value', refs: new Set(), at: `${op.operationId}.${status}` })
        : 'z.string()';
      return `${JSON.stringify(type)}: { schema: ${schema} }`;
    });
    return `${status}: { description: ${description}, content: { ${content.join(', ')} } }`;
  });
  return `{ ${entries.join(', ')} }`;
}

export interface OperationInfo {
  operationId: string;
  method: string;
  path: string;
  security: Record<string, string[]>[];
  operation: Operation;
}

/** Every operation of a document, with path-level parameters merged in and default security applied. */
export function listOperations(doc: OpenApiDocument): OperationInfo[] {
  const out: OperationInfo[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = ((item as { parameters?: Parameter[] }).parameters ?? []).map((param) => resolve(doc, param));
    for (const method of HTTP_METHODS) {
      const raw = (item as Record<string, Operation | undefined>)[method];
      if (!raw) continue;
      const own = (raw.parameters ?? []).map((param) => resolve(doc, param));
      const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
      const security = raw.security ?? (doc.security as Record<string, string[]>[] | undefined) ?? [];
      out.push({ operationId: raw.operationId, method, path, security, operation: { ...raw, parameters } });
    }
  }
  return out;
}

export function renderServerRoutes(area: string, doc: OpenApiDocument): string {
  const operations = listOperations(doc);
  const routes = operations.map(({ operationId, method, path, security, operation }) => {
    const params = operation.parameters ?? [];
    const request = [
      ['params', renderParams(params, 'path', `${operationId}.path`)],
      ['query', renderParams(params, 'query', `${operationId}.query`)],
      ['headers', renderParams(params, 'header', `${operationId}.header`)],
      ['body', renderBody(doc, operation)],
    ].filter(([, code]) => code !== undefined);
    const requestCode = request.length ? `\n  request: { ${request.map(([k, v]) => `${k}: ${v}`).join(', ')} },` : '';
    return `/** ${operation.summary ?? operationId} */
export const ${operationId} = createRoute({
  operationId: ${JSON.stringify(operationId)},
  method: ${JSON.stringify(method)},
  path: ${JSON.stringify(path)},
  security: ${JSON.stringify(security)} as Array<Record<string, string[]>>,${requestCode}
  responses: ${renderResponses(doc, operation)},
});`;
  });
  const body = `// Component schemas
${renderComponentSchemas(doc).join('\n')}

// Operations
${routes.join('\n\n')}
`;
  const helpers = [
    'anyJson',
    'isoDate',
    'jsonRecord',
    'jsonText',
    'queryBoolean',
    'queryNumber',
    'text',
    'uploadedFile',
  ].filter((name) => new RegExp(`\\b${name}\\(`).test(body));
  const helperImport = helpers.length
    ? `import { ${helpers.join(', ')} } from '../../platform/http/zod-helpers.js';\n`
    : '';
  return `${GENERATED_BANNER(`openapi/${area}.yaml`)}import { createRoute, z } from '@hono/zod-openapi';
${helperImport}
${body}
/** Every operation of the ${area} area, keyed by operationId. */
export const routes = { ${operations.map((op) => op.operationId).join(', ')} } as const;
`;
}
