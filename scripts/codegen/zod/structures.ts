/** Transformers for arrays and objects (required keys, unknown-key policy, minProperties). */
import type { SchemaObject, ZodContext } from './context.js';
import { schemaToZod } from './schema-to-zod.js';

export function arrayToZod(schema: SchemaObject, ctx: ZodContext): string {
  const items = schema.items ? schemaToZod(schema.items, { ...ctx, at: `${ctx.at}[]` }) : 'anyJson()';
  let out = `z.array(${items})`;
  if (typeof schema.minItems === 'number') out += `.min(${schema.minItems})`;
  if (typeof schema.maxItems === 'number') out += `.max(${schema.maxItems})`;
  return out;
}

const key = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name));

export function objectToZod(schema: SchemaObject, ctx: ZodContext): string {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const additional = schema.additionalProperties;
  const names = Object.keys(properties);

  if (names.length === 0) {
    // Free-form objects check their keys (jsonRecord) and values (anyJson: every nested string).
    const values =
      typeof additional === 'object' ? schemaToZod(additional, { ...ctx, at: `${ctx.at}{}` }) : 'anyJson()';
    return additional === false ? 'z.strictObject({})' : `jsonRecord(${values})`;
  }

  const fields = names.map((name) => {
    let field = schemaToZod(properties[name]!, { ...ctx, at: `${ctx.at}.${name}` });
    const hasDefault = properties[name]!.default !== undefined;
    if (!required.has(name) && !hasDefault) field += '.optional()';
    return `${key(name)}: ${field}`;
  });
  const body = `{ ${fields.join(', ')} }`;
  let out: string;
  if (additional === false) out = `z.strictObject(${body})`;
  else if (typeof additional === 'object') {
    out = `z.object(${body}).catchall(${schemaToZod(additional, { ...ctx, at: `${ctx.at}{}` })})`;
  } else out = `z.object(${body}).catchall(anyJson())`;

  if (typeof schema.minProperties === 'number') {
    const message = `send at least ${schema.minProperties} of: ${names.join(', ')}`;
    out += `.refine((value) => Object.keys(value).length >= ${schema.minProperties}, ${JSON.stringify(message)})`;
  }
  return out;
}
