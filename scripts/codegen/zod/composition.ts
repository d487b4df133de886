/** Transformers for $ref, oneOf/anyOf and nullable type lists (`type: [string, 'null']`). */
import { refName, schemaConstName, type SchemaObject, type ZodContext } from './context.js';
import { schemaToZod } from './schema-to-zod.js';

const isNull = (schema: SchemaObject) => schema.type === 'null';

export function refToZod(schema: SchemaObject, ctx: ZodContext): string {
  const name = refName(schema.$ref!);
  ctx.refs.add(name);
  return schemaConstName(name);
}

/** oneOf/anyOf: `[X, null]` becomes `X.nullable()`; anything else a union. */
export function unionToZod(variants: SchemaObject[], ctx: ZodContext): string {
  const nonNull = variants.filter((variant) => !isNull(variant));
  const nullable = nonNull.length < variants.length;
  const members = nonNull.map((variant, index) => schemaToZod(variant, { ...ctx, at: `${ctx.at}|${index}` }));
  const base = members.length === 1 ? members[0]! : `z.union([${members.join(', ')}])`;
  return nullable ? `${base}.nullable()` : base;
}

/** `type: [a, b, 'null']`: each listed type of the same schema, as a union. */
export function typeListToZod(schema: SchemaObject, types: string[], ctx: ZodContext): string {
  return unionToZod(
    types.map((type) => ({ ...schema, type })),
    ctx,
  );
}
