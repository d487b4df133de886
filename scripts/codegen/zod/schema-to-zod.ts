/**
 * JSON Schema (the subset our specs use) to zod source code. Dispatches each schema to the transformer
 * for its concept; anything outside the subset is a generator error naming where it is, never a
 * silently looser validator.
 */
import type { SchemaObject, ZodContext } from './context.js';
import { refToZod, typeListToZod, unionToZod } from './composition.js';
import { booleanToZod, enumToZod, numberToZod, stringToZod } from './scalars.js';
import { arrayToZod, objectToZod } from './structures.js';

export function schemaToZod(schema: SchemaObject, ctx: ZodContext): string {
  return withDefault(schema, baseToZod(schema, ctx));
}

function baseToZod(schema: SchemaObject, ctx: ZodContext): string {
  if (schema.$ref) return refToZod(schema, ctx);
  if (schema.allOf) throw new Error(`${ctx.at}: allOf is not supported by the route generator; inline the schema`);
  if (schema.oneOf) return unionToZod(schema.oneOf, ctx);
  if (schema.anyOf) return unionToZod(schema.anyOf, ctx);
  if (schema.enum) return enumToZod(schema);
  if (schema.const !== undefined) return `z.literal(${JSON.stringify(schema.const)})`;
  if (Array.isArray(schema.type)) return typeListToZod(schema, schema.type, ctx);
  switch (schema.type) {
    case 'string':
      return stringToZod(schema, ctx);
    case 'integer':
      return numberToZod(schema, ctx, true);
    case 'number':
      return numberToZod(schema, ctx, false);
    case 'boolean':
      return booleanToZod(ctx);
    case 'null':
      return 'z.null()';
    case 'array':
      return arrayToZod(schema, ctx);
    case 'object':
      return objectToZod(schema, ctx);
    case undefined:
      // No type: any JSON value, with every string nested in it checked like a string field.
      return schema.properties ? objectToZod(schema, ctx) : 'anyJson()';
    default:
      throw new Error(`${ctx.at}: unsupported type ${String(schema.type)}`);
  }
}

function withDefault(schema: SchemaObject, code: string): string {
  return schema.default === undefined ? code : `${code}.default(${JSON.stringify(schema.default)})`;
}
