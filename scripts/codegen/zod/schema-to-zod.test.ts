/**
 * The zod the generator emits, evaluated against the server's real helpers: bounds from the spec, the
 * text check on every string (also nested in free-form JSON), plain decimal query numbers, and dates.
 */
import { describe, expect, it } from 'vitest';
import { z } from '@hono/zod-openapi';
import * as helpers from '../../../packages/server/src/platform/http/zod-helpers.js';
import type { SchemaObject, ZodContext } from './context.js';
import { schemaToZod } from './schema-to-zod.js';

const emit = (schema: SchemaObject, mode: ZodContext['mode'] = 'value') =>
  schemaToZod(schema, { mode, refs: new Set(), at: 'test' });

/** Builds the emitted source into a validator, with the same names in scope as a generated routes file. */
function compile(schema: SchemaObject, mode: ZodContext['mode'] = 'value'): z.ZodType {
  const names = Object.keys(helpers);
  return new Function('z', ...names, `return ${emit(schema, mode)};`)(
    z,
    ...names.map((name) => helpers[name as keyof typeof helpers]),
  ) as z.ZodType;
}
const accepts = (schema: z.ZodType, value: unknown) => schema.safeParseAsync(value).then((r) => r.success);
const issues = async (schema: z.ZodType, value: unknown) =>
  ((await schema.safeParseAsync(value)).error?.issues ?? []).map((i) => ({
    path: i.path.join('.'),
    message: i.message,
  }));

describe('integers and numbers', () => {
  it('emits the spec bounds, in bodies and in parameters', () => {
    expect(emit({ type: 'integer', minimum: 0, maximum: 2147483647 })).toBe('z.number().int().min(0).max(2147483647)');
    expect(emit({ type: 'integer', minimum: 1, maximum: 1000 }, 'param')).toBe(
      'queryNumber(z.number().int().min(1).max(1000), true)',
    );
  });

  it('a query integer is digits only', async () => {
    const limit = compile({ type: 'integer', minimum: 0, maximum: 1000, default: 100 }, 'param');
    expect(await limit.parseAsync('16')).toBe(16);
    expect(await limit.parseAsync(undefined)).toBe(100);
    for (const loose of ['0x10', '1e2', ' 5', '5 ', '1.0', '', '+1', '1_000', 'Infinity'])
      expect(await accepts(limit, loose), JSON.stringify(loose)).toBe(false);
    expect(await accepts(limit, '1001')).toBe(false);
    expect(await accepts(limit, '99999999999999999999999')).toBe(false);
  });

  it('a query number is a decimal (as JSON writes it), never hex or padded', async () => {
    const price = compile({ type: 'number', minimum: 0 }, 'param');
    for (const ok of ['0.5', '.5', '3', '1e-7']) expect(await accepts(price, ok), ok).toBe(true);
    for (const loose of ['0x1', ' 1', '', '1.', '--1', 'NaN']) expect(await accepts(price, loose), loose).toBe(false);
  });
});

describe('text', () => {
  const name = () => compile({ type: 'string', minLength: 1, maxLength: 5 });

  it('rejects NUL and lone surrogates in any string, keeping the length bounds', async () => {
    expect(await accepts(name(), 'ok😀')).toBe(true);
    expect(await issues(name(), 'a\u0000b')).toEqual([
      { path: '', message: 'must not contain NUL characters (U+0000)' },
    ]);
    expect((await issues(name(), 'a\ud800'))[0]?.message).toMatch(/well-formed Unicode/);
    expect(await accepts(name(), 'toolong')).toBe(false);
    expect(await accepts(compile({ type: 'string' }, 'param'), 'x\u0000')).toBe(false);
  });

  it('checks every string and key nested in free-form JSON, naming where it is', async () => {
    const body = compile({
      type: 'object',
      additionalProperties: false,
      properties: {
        schema: { type: 'object', additionalProperties: true },
        input: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'array' }] },
        any: {},
      },
    });
    expect(await accepts(body, { schema: { a: [{ b: 'fine' }] }, input: ['x', 1, null], any: { y: true } })).toBe(true);
    expect(await issues(body, { schema: { a: [{ b: 'x\u0000' }] } })).toEqual([
      { path: 'schema.a.0.b', message: 'must not contain NUL characters (U+0000)' },
    ]);
    expect((await issues(body, { schema: { 'k\u0000': 1 } }))[0]?.path).toBe('schema');
    expect(await accepts(body, { input: [['\udc00']] })).toBe(false);
    expect(await accepts(body, { any: { deep: { deeper: '\u0000' } } })).toBe(false);
  });

  it('checks the keys of typed records', async () => {
    const inputs = compile({ type: 'object', additionalProperties: { type: 'integer', minimum: 0, maximum: 1 } });
    expect(await accepts(inputs, { a: 1 })).toBe(true);
    expect(await accepts(inputs, { 'a\u0000': 1 })).toBe(false);
  });
});

describe('dates', () => {
  it('a date is a real calendar day within x-format-minimum..x-format-maximum', async () => {
    const day = compile(
      { type: 'string', format: 'date', 'x-format-minimum': '1970-01-01', 'x-format-maximum': '2999-12-31' },
      'param',
    );
    for (const ok of ['1970-01-01', '2026-02-28', '2999-12-31']) expect(await accepts(day, ok), ok).toBe(true);
    for (const bad of ['0000-01-01', '1969-12-31', '9999-12-31', '2026-02-30', '2026-2-1', '2026-02-01T00:00:00Z'])
      expect(await accepts(day, bad), bad).toBe(false);
    expect((await issues(day, '9999-12-31'))[0]?.message).toBe(
      'expected a date (YYYY-MM-DD) between 1970-01-01 and 2999-12-31',
    );
  });

  it('refuses bounds that are not dates', () => {
    expect(() => emit({ type: 'string', format: 'date', 'x-format-maximum': 3 })).toThrow(/x-format-maximum/);
  });
});
