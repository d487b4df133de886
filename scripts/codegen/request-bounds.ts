/**
 * A rule the generator enforces on every spec: each integer a request can carry (path, query, JSON or
 * multipart body, at any depth, through $refs) has a `minimum` and a `maximum`, and each `format: date`
 * string an `x-format-minimum` and an `x-format-maximum`, so that no client value reaches the database or the
 * engine unbounded (a PostgreSQL int4 overflows at 2147483648). `npm run codegen` fails on a violation.
 */
import type { OpenApiDocument } from '../lib/specs.js';
import type { SchemaObject } from './zod/context.js';
import { listOperations } from './server-routes.js';

const has = (schema: SchemaObject, ...keys: string[]) => keys.some((key) => typeof schema[key] !== 'undefined');

/** Where an unbounded request integer or date is, as `operationId location: problem`. */
export function unboundedRequestValues(doc: OpenApiDocument): string[] {
  const components = (doc.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const problems = new Set<string>();
  const walk = (schema: SchemaObject | undefined, at: string, seen: Set<string>): void => {
    if (!schema || typeof schema !== 'object') return;
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop()!;
      if (seen.has(name)) return;
      return walk(components[name], `${at}(${name})`, new Set([...seen, name]));
    }
    const types = [schema.type].flat();
    if (types.includes('integer')) {
      if (!has(schema, 'minimum', 'exclusiveMinimum')) problems.add(`${at}: integer without minimum`);
      if (!has(schema, 'maximum', 'exclusiveMaximum')) problems.add(`${at}: integer without maximum`);
    }
    if (types.includes('string') && schema.format === 'date') {
      if (!has(schema, 'x-format-minimum')) problems.add(`${at}: date without x-format-minimum`);
      if (!has(schema, 'x-format-maximum')) problems.add(`${at}: date without x-format-maximum`);
    }
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const)
      schema[key]?.forEach((variant, index) => walk(variant, `${at}|${index}`, seen));
    walk(schema.items, `${at}[]`, seen);
    for (const [name, property] of Object.entries(schema.properties ?? {})) walk(property, `${at}.${name}`, seen);
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${at}{}`, seen);
  };
  for (const { operationId, operation } of listOperations(doc)) {
    for (const param of operation.parameters ?? [])
      walk(param.schema, `${operationId} ${param.in}.${param.name}`, new Set());
    let body = operation.requestBody;
    if (body?.$ref)
      body = (doc.components?.requestBodies as Record<string, typeof body>)?.[body.$ref.split('/').pop()!];
    for (const [type, media] of Object.entries(body?.content ?? {}))
      walk(media.schema, `${operationId} body(${type})`, new Set());
  }
  return [...problems];
}
