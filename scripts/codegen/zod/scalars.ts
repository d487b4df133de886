/** Transformers for scalar JSON Schema types: string, number/integer, boolean, null, enum, const. */
import type { SchemaObject, ZodContext } from './context.js';

const literal = (value: unknown) => JSON.stringify(value);

export function enumToZod(schema: SchemaObject): string {
  const values = schema.enum ?? [];
  if (values.every((value) => typeof value === 'string')) return `z.enum([${values.map(literal).join(', ')}])`;
  return `z.union([${values.map((value) => `z.literal(${literal(value)})`).join(', ')}])`;
}

/**
 * Every string is `text()` (no NUL, no lone surrogate: what the database can store), with the spec's
 * length and pattern; `format: date` is a real calendar date within `x-format-minimum`..`x-format-maximum`.
 */
export function stringToZod(schema: SchemaObject, ctx: ZodContext): string {
  if (schema.format === 'binary') return 'uploadedFile()';
  if (schema.format === 'date') {
    const bounds = [schema['x-format-minimum'], schema['x-format-maximum']];
    if (bounds.some((bound) => bound !== undefined && typeof bound !== 'string'))
      throw new Error(`${ctx.at}: x-format-minimum/x-format-maximum of a date must be YYYY-MM-DD strings`);
    const args = bounds.map((bound) => (bound === undefined ? 'undefined' : literal(bound)));
    while (args.at(-1) === 'undefined') args.pop();
    return `isoDate(${args.join(', ')})`;
  }
  let out = 'text()';
  if (typeof schema.minLength === 'number') out += `.min(${schema.minLength})`;
  if (typeof schema.maxLength === 'number') out += `.max(${schema.maxLength})`;
  if (typeof schema.pattern === 'string') {
    out += `.regex(new RegExp(${literal(schema.pattern)}), ${literal(`must match ${schema.pattern}`)})`;
  }
  if (schema.format === 'date-time' && ctx.mode === 'param') out += '.datetime({ offset: true })';
  return out;
}

/**
 * Numbers with the spec's bounds. Parameters arrive as text and go through `queryNumber()`, which
 * accepts only plain decimal spellings (an integer is digits only) before converting.
 */
export function numberToZod(schema: SchemaObject, ctx: ZodContext, integer: boolean): string {
  let out = 'z.number()';
  if (integer) out += '.int()';
  if (typeof schema.minimum === 'number') out += `.min(${schema.minimum})`;
  if (typeof schema.maximum === 'number') out += `.max(${schema.maximum})`;
  if (typeof schema.exclusiveMinimum === 'number') out += `.gt(${schema.exclusiveMinimum})`;
  if (typeof schema.exclusiveMaximum === 'number') out += `.lt(${schema.exclusiveMaximum})`;
  return ctx.mode === 'param' ? `queryNumber(${out}, ${integer})` : out;
}

export function booleanToZod(ctx: ZodContext): string {
  // Query strings carry booleans as text; only the two spellings a reader would expect are accepted.
  return ctx.mode === 'param' ? 'queryBoolean()' : 'z.boolean()';
}
