/**
 * JSON Schema (2020-12, as OpenAPI 3.1 writes it) → fast-check arbitrary of values the schema accepts.
 *
 * Written here rather than taken from npm: the published generators target fast-check 1–3
 * (json-schema-fast-check needs fast-check 1, zod-fast-check needs fast-check < 4 and zod 3), and we run
 * fast-check 4 over plain 2020-12 schemas. One transformer per schema concept: references, composition,
 * enumerations, then one per type. Sizes are kept small (a few items, short strings) so requests stay
 * cheap; numbers span their whole declared range, because range edges are where servers break.
 */
import fc from 'fast-check';

export type Schema = Record<string, unknown> | boolean;

export interface GenerationContext {
  /** The document that `#/...` references point into. */
  root: unknown;
  /** Known values (ids of real resources) worth using for a string at `name`, matching `schema`. */
  hints?: (name: string | undefined, schema: Record<string, unknown>) => string[];
  /** Objects with their required properties only (the smallest requests, most likely to succeed). */
  requiredOnly?: boolean;
}

/** Follows `$ref` (local JSON pointers) until a schema without one. */
export function resolveRef(schema: Schema, root: unknown): Schema {
  let current = schema;
  for (let hops = 0; typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`$ref cycle at ${current.$ref}`);
    const pointer = current.$ref.replace(/^#\//, '').split('/');
    const target = pointer.reduce<unknown>(
      (node, part) => (node as Record<string, unknown>)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')],
      root,
    );
    if (target === undefined) throw new Error(`unresolved $ref ${current.$ref}`);
    const { $ref: _ref, ...siblings } = current;
    current = Object.keys(siblings).length ? { ...(target as object), ...siblings } : (target as Schema);
  }
  return current;
}

/** Types a schema admits (`type` as a string or a list; none means any). */
export function typesOf(schema: Record<string, unknown>): string[] {
  const type = schema.type;
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}

export function arbitraryFor(input: Schema, ctx: GenerationContext, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolveRef(input, ctx.root);
  if (schema === true) return anyJson;
  if (schema === false) throw new Error('schema false admits nothing');
  const hinted = withHints(schema, ctx, name);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) {
    const branches = (schema.oneOf ?? schema.anyOf) as Schema[];
    return fc.oneof(...branches.map((branch) => arbitraryFor(branch, ctx, name, depth + 1)));
  }
  if (Array.isArray(schema.allOf)) return arbitraryFor(mergeAllOf(schema, ctx.root), ctx, name, depth);
  const types = typesOf(schema);
  if (types.length === 0) return anyJson;
  const arbitraries = types.map((type) => byType(type, schema, ctx, depth));
  const generated = arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
  return hinted ? fc.oneof({ weight: 3, arbitrary: hinted }, { weight: 1, arbitrary: generated }) : generated;
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

function withHints(schema: Record<string, unknown>, ctx: GenerationContext, name?: string) {
  if (!ctx.hints || !typesOf(schema).includes('string')) return undefined;
  const values = ctx.hints(name, schema);
  return values.length ? fc.constantFrom(...values) : undefined;
}

function mergeAllOf(schema: Record<string, unknown>, root: unknown): Schema {
  const { allOf, ...rest } = schema;
  return (allOf as Schema[])
    .map((part) => resolveRef(part, root))
    .reduce<Record<string, unknown>>(
      (merged, part) =>
        typeof part === 'object'
          ? {
              ...merged,
              ...part,
              properties: { ...(merged.properties as object), ...(part.properties as object) },
              required: [...((merged.required as string[]) ?? []), ...((part.required as string[]) ?? [])],
            }
          : merged,
      rest,
    );
}

function byType(type: string, schema: Record<string, unknown>, ctx: GenerationContext, depth: number) {
  switch (type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return integerArbitrary(schema);
    case 'number':
      return numberArbitrary(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayArbitrary(schema, ctx, depth);
    case 'object':
      return objectArbitrary(schema, ctx, depth);
    default:
      throw new Error(`unknown JSON Schema type ${type}`);
  }
}

/** Printable characters, a few beyond ASCII (one outside the BMP): no control characters. */
const printable = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ß', '日', 'Ж', '🙂') },
);

const codePoints = (text: string) => [...text].length;

function stringArbitrary(schema: Record<string, unknown>): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? Infinity, minLength + 24);
  const fits = (text: string) =>
    codePoints(text) >= minLength && codePoints(text) <= ((schema.maxLength as number) ?? Infinity);
  switch (schema.format) {
    case 'date-time':
      return fc
        .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
        .map((date) => date.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10));
    case 'uuid':
      return fc.uuid();
    case 'binary':
      return fc.constant('<file>');
  }
  if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(fits);
  if (schema.contentEncoding === 'base64')
    return fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes).toString('base64'));
  return fc.array(printable, { minLength, maxLength }).map((parts) => parts.join(''));
}

function integerArbitrary(schema: Record<string, unknown>): fc.Arbitrary<number> {
  const { min, max } = numericBounds(schema);
  const lo = Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER);
  const hi = Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER);
  // Small values are the common case; the whole declared range (up to 2^53) is where storage breaks.
  return fc.oneof(
    fc.bigInt({ min: BigInt(Math.max(lo, -16)), max: BigInt(Math.min(hi, Math.max(lo, 0) + 16)) }).map(Number),
    fc.bigInt({ min: BigInt(lo), max: BigInt(hi) }).map(Number),
    fc.constantFrom(lo, hi),
  );
}

function numberArbitrary(schema: Record<string, unknown>): fc.Arbitrary<number> {
  const { min, max } = numericBounds(schema);
  return fc
    .double({
      min: Math.max(min, -Number.MAX_VALUE),
      max: Math.min(max, Number.MAX_VALUE),
      noNaN: true,
      noDefaultInfinity: true,
      minExcluded: 'exclusiveMinimum' in schema,
      maxExcluded: 'exclusiveMaximum' in schema,
    })
    .map((n) => (Object.is(n, -0) ? 0 : n));
}

function numericBounds(schema: Record<string, unknown>) {
  const pick = (...values: unknown[]) => values.filter((v): v is number => typeof v === 'number');
  return {
    min: Math.max(-Infinity, ...pick(schema.minimum, schema.exclusiveMinimum)),
    max: Math.min(Infinity, ...pick(schema.maximum, schema.exclusiveMaximum)),
  };
}

function arrayArbitrary(schema: Record<string, unknown>, ctx: GenerationContext, depth: number) {
  const minLength = (schema.minItems as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxItems as number | undefined) ?? Infinity, minLength + (depth > 2 ? 1 : 4));
  const items = schema.items === undefined ? anyJson : arbitraryFor(schema.items as Schema, ctx, undefined, depth + 1);
  return schema.uniqueItems
    ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
    : fc.array(items, { minLength, maxLength });
}

function objectArbitrary(schema: Record<string, unknown>, ctx: GenerationContext, depth: number) {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const shown = Object.entries(properties).filter(([key]) => required.has(key) || (depth < 4 && !ctx.requiredOnly));
  const record = fc.record(
    Object.fromEntries(shown.map(([key, value]) => [key, arbitraryFor(value, ctx, key, depth + 1)])),
    { requiredKeys: shown.map(([key]) => key).filter((key) => required.has(key)) },
  );
  const additional = schema.additionalProperties;
  const minProperties = (schema.minProperties as number | undefined) ?? 0;
  const maxProperties = (schema.maxProperties as number | undefined) ?? Infinity;
  if (additional === false || additional === undefined || depth > 3) {
    return record.filter((value) => inRange(Object.keys(value).length, minProperties, maxProperties));
  }
  const extraValue = additional === true ? anyJson : arbitraryFor(additional as Schema, ctx, undefined, depth + 1);
  const extraKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).filter((key) => !(key in properties));
  return fc
    .tuple(record, fc.dictionary(extraKey, extraValue, { minKeys: minProperties ? 1 : 0, maxKeys: 2 }))
    .map(([known, extra]) => ({ ...extra, ...known }))
    .filter((value) => inRange(Object.keys(value).length, minProperties, maxProperties));
}

const inRange = (n: number, min: number, max: number) => n >= min && n <= max;
