/**
 * Values a schema must reject, derived from the schema: one mutation of a valid value (wrong type, out of
 * range, too long or short, pattern or enum miss, missing required field, unknown field), and raw
 * parameter strings (loose numbers such as `0x10`, `1e2`, ` 5`, `1.0`, empty). A mutation marked
 * `policy` is one JSON Schema admits but this API refuses (NUL characters and lone surrogates in strings,
 * integers past 2^53); the others are checked invalid against the schema by the caller.
 */
import fc from 'fast-check';
import { resolveRef, typesOf, type Schema } from './schema-arbitrary.js';

export interface Mutation {
  value: unknown;
  /** Where and what, e.g. `body.labels[0]: NUL character`. */
  why: string;
  policy?: boolean;
}

const TYPE_SAMPLES: Record<string, unknown> = {
  string: 'text',
  integer: 12345,
  number: 1.5,
  boolean: true,
  null: null,
  array: [],
  object: {},
};

/** Mutations of `value` (valid for `schema`), one change each, anywhere in it. */
export function mutationsOf(
  schema: Schema,
  value: unknown,
  root: unknown,
  at: string,
  depth = 0,
): fc.Arbitrary<Mutation> {
  const resolved = resolveRef(schema, root);
  if (typeof resolved !== 'object') return fc.constant({ value: Symbol('none'), why: `${at}: unsatisfiable` });
  const candidates: fc.Arbitrary<Mutation>[] = [wrongType(resolved, at)];
  if (typeof value === 'string') candidates.push(...stringMutations(resolved, value, at));
  if (typeof value === 'number') candidates.push(...numberMutations(resolved, at));
  if (Array.isArray(value)) candidates.push(...arrayMutations(resolved, value, root, at, depth));
  if (value && typeof value === 'object' && !Array.isArray(value))
    candidates.push(...objectMutations(resolved, value as Record<string, unknown>, root, at, depth));
  return fc.oneof(...candidates);
}

function wrongType(schema: Record<string, unknown>, at: string): fc.Arbitrary<Mutation> {
  const admitted = typesOf(schema);
  const wrong = Object.entries(TYPE_SAMPLES).filter(
    ([type]) => !admitted.includes(type) && !(type === 'integer' && admitted.includes('number')),
  );
  return fc.constantFrom(...wrong).map(([type, sample]) => ({ value: sample, why: `${at}: a ${type}` }));
}

function stringMutations(schema: Record<string, unknown>, value: string, at: string): fc.Arbitrary<Mutation>[] {
  const out: Mutation[] = [
    { value: `${value}\u0000`, why: `${at}: NUL character`, policy: true },
    { value: `\u0000`, why: `${at}: only a NUL character`, policy: true },
    { value: `${value}\ud800`, why: `${at}: lone surrogate`, policy: true },
  ];
  const minLength = schema.minLength as number | undefined;
  const maxLength = schema.maxLength as number | undefined;
  if (minLength) out.push({ value: '', why: `${at}: empty` });
  if (maxLength !== undefined && maxLength < 100_000)
    out.push({ value: 'x'.repeat(maxLength + 1), why: `${at}: ${maxLength + 1} characters` });
  if (schema.pattern) out.push({ value: `${value} !`, why: `${at}: does not match ${schema.pattern}` });
  if (schema.enum) out.push({ value: 'not-in-the-enum', why: `${at}: outside the enum` });
  if (schema.format === 'date') out.push({ value: '2026-02-30', why: `${at}: not a date` });
  if (schema.format === 'date-time') out.push({ value: 'yesterday', why: `${at}: not a date-time` });
  return [fc.constantFrom(...out)];
}

function numberMutations(schema: Record<string, unknown>, at: string): fc.Arbitrary<Mutation>[] {
  const out: Mutation[] = [];
  const integer = typesOf(schema).includes('integer') && !typesOf(schema).includes('number');
  if (typeof schema.minimum === 'number')
    out.push({ value: schema.minimum - (integer ? 1 : 0.5), why: `${at}: below ${schema.minimum}` });
  if (typeof schema.maximum === 'number')
    out.push({ value: schema.maximum + (integer ? 1 : 0.5), why: `${at}: above ${schema.maximum}` });
  if (integer) {
    out.push({ value: 1.5, why: `${at}: not an integer` });
    out.push({ value: 2 ** 63, why: `${at}: 2^63, past any integer column`, policy: true });
  }
  return out.length ? [fc.constantFrom(...out)] : [];
}

function arrayMutations(schema: Record<string, unknown>, value: unknown[], root: unknown, at: string, depth: number) {
  const out: fc.Arbitrary<Mutation>[] = [];
  const maxItems = schema.maxItems as number | undefined;
  const minItems = schema.minItems as number | undefined;
  if (maxItems !== undefined && maxItems <= 64 && value.length > 0)
    out.push(
      fc.constant({
        value: Array.from({ length: maxItems + 1 }, (_, i) => value[i % value.length]),
        why: `${at}: ${maxItems + 1} items`,
      }),
    );
  if (minItems) out.push(fc.constant({ value: value.slice(0, minItems - 1), why: `${at}: fewer than ${minItems}` }));
  if (value.length > 0 && schema.items !== undefined && depth < 6) {
    out.push(
      fc.nat(value.length - 1).chain((index) =>
        mutationsOf(schema.items as Schema, value[index], root, `${at}[${index}]`, depth + 1).map((m) => ({
          ...m,
          value: value.map((item, i) => (i === index ? m.value : item)),
        })),
      ),
    );
  }
  return out;
}

function objectMutations(
  schema: Record<string, unknown>,
  value: Record<string, unknown>,
  root: unknown,
  at: string,
  depth: number,
) {
  const out: fc.Arbitrary<Mutation>[] = [];
  const required = ((schema.required as string[] | undefined) ?? []).filter((key) => key in value);
  if (required.length)
    out.push(
      fc.constantFrom(...required).map((key) => {
        const { [key]: _dropped, ...rest } = value;
        return { value: rest, why: `${at}.${key}: missing` };
      }),
    );
  if (schema.additionalProperties === false)
    out.push(fc.constant({ value: { ...value, no_such_field: 1 }, why: `${at}.no_such_field: unknown field` }));
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const present = Object.keys(value).filter(
    (key) => key in properties || typeof schema.additionalProperties === 'object',
  );
  if (present.length && depth < 6)
    out.push(
      fc
        .constantFrom(...present)
        .chain((key) =>
          mutationsOf(
            properties[key] ?? (schema.additionalProperties as Schema),
            value[key],
            root,
            `${at}.${key}`,
            depth + 1,
          ).map((m) => ({ ...m, value: { ...value, [key]: m.value } })),
        ),
    );
  return out;
}

/**
 * Raw (already URL-encoded) parameter values the parameter's schema refuses. Integers must be plain
 * decimal integers: hexadecimal, exponents, padding, decimals and empty values are all refusals.
 */
export function invalidRawParameters(schema: Schema, root: unknown): { raw: string; why: string; policy?: boolean }[] {
  const resolved = resolveRef(schema, root);
  if (typeof resolved !== 'object') return [];
  const types = typesOf(resolved);
  const out: { raw: string; why: string; policy?: boolean }[] = [];
  if (types.includes('integer') || types.includes('number')) {
    const integer = !types.includes('number');
    out.push({ raw: 'abc', why: 'not a number' }, { raw: '', why: 'empty' });
    out.push({ raw: '0x10', why: 'hexadecimal' }, { raw: '%205', why: 'leading space' });
    out.push({ raw: 'NaN', why: 'NaN' }, { raw: 'Infinity', why: 'Infinity' });
    if (integer) {
      out.push({ raw: '1e2', why: 'exponent' }, { raw: '1.0', why: 'decimal point' }, { raw: '1.5', why: 'fraction' });
      out.push({ raw: '99999999999999999999', why: 'past 2^64', policy: true });
    }
    if (typeof resolved.minimum === 'number')
      out.push({ raw: String(resolved.minimum - 1), why: `below ${resolved.minimum}` });
    if (typeof resolved.maximum === 'number')
      out.push({ raw: String(resolved.maximum + 1), why: `above ${resolved.maximum}` });
  }
  if (types.includes('boolean')) out.push({ raw: 'maybe', why: 'not a boolean' }, { raw: '', why: 'empty' });
  if (types.includes('string')) {
    out.push({ raw: 'a%00b', why: 'NUL character', policy: true });
    if (resolved.minLength) out.push({ raw: '', why: 'empty' });
    if (typeof resolved.maxLength === 'number')
      out.push({ raw: 'x'.repeat(resolved.maxLength + 1), why: `${resolved.maxLength + 1} characters` });
    if (resolved.pattern) out.push({ raw: 'no%20match%21', why: `does not match ${resolved.pattern}` });
    if (resolved.enum) out.push({ raw: 'not-in-the-enum', why: 'outside the enum' });
    if (resolved.format === 'date')
      out.push({ raw: '2026-02-30', why: 'not a date' }, { raw: '20260101', why: 'not RFC 3339' });
  }
  return out;
}
