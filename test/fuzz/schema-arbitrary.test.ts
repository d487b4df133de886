/**
 * The generators checked against Ajv (the same validator the contract tests use): what arbitraryFor makes
 * matches its schema, for each concept and for every request schema of every spec; the raw parameter
 * refusals and the body mutations are refused by the schema (or marked as refused by policy).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadSpecValidator } from '@computeplane/test-support/spec-validator';
import { invalidRawParameters, mutationsOf } from './invalid-values.js';
import { arbitraryFor, type Schema } from './schema-arbitrary.js';
import { loadOperations } from './spec-operations.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false }));
const root = {
  components: {
    schemas: {
      Id: { type: 'string', pattern: '^item_[a-z0-9]{4,8}$' },
      Named: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    },
  },
};
const valid = (schema: Schema, value: unknown) => ajv.validate({ ...root, ...(schema as object) }, value);

const concepts: [string, Schema][] = [
  ['a $ref with a pattern', { $ref: '#/components/schemas/Id' }],
  ['string lengths', { type: 'string', minLength: 3, maxLength: 5 }],
  [
    'formats',
    {
      type: 'object',
      required: ['d', 't'],
      properties: { d: { type: 'string', format: 'date' }, t: { type: 'string', format: 'date-time' } },
    },
  ],
  ['integer bounds', { type: 'integer', minimum: 1, maximum: 12 }],
  ['unbounded integers', { type: 'integer', minimum: 0 }],
  ['exclusive number bounds', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }],
  [
    'enum and const',
    { type: 'object', required: ['e', 'c'], properties: { e: { enum: ['a', 'b'] }, c: { const: 7 } } },
  ],
  ['type lists', { type: ['array', 'null'], maxItems: 2, items: { type: ['number', 'boolean'] } }],
  ['oneOf with null', { oneOf: [{ $ref: '#/components/schemas/Named' }, { type: 'null' }] }],
  [
    'anyOf',
    {
      anyOf: [
        { type: 'string', maxLength: 2 },
        { type: 'array', minItems: 1 },
      ],
    },
  ],
  [
    'allOf',
    {
      allOf: [
        { $ref: '#/components/schemas/Named' },
        { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
      ],
    },
  ],
  [
    'closed objects',
    {
      type: 'object',
      additionalProperties: false,
      required: ['a'],
      properties: { a: { type: 'boolean' }, b: { type: 'string' } },
    },
  ],
  [
    'maps with minProperties',
    { type: 'object', minProperties: 1, additionalProperties: { $ref: '#/components/schemas/Id' } },
  ],
  [
    'arrays with bounds',
    { type: 'array', minItems: 2, maxItems: 3, uniqueItems: true, items: { type: 'integer', minimum: 0, maximum: 9 } },
  ],
  ['base64 text', { type: 'string', contentEncoding: 'base64', maxLength: 40 }],
];

describe('schema-arbitrary', () => {
  it.each(concepts)('generates values that match: %s', (_, schema) => {
    fc.assert(
      fc.property(arbitraryFor(schema, { root }), (value) => valid(schema, value)),
      { numRuns: 200 },
    );
  });

  it('uses hints for named strings that match the pattern, and only those', () => {
    const schema = { type: 'object', required: ['id'], properties: { id: { $ref: '#/components/schemas/Id' } } };
    const hints = (name?: string) => (name === 'id' ? ['item_real1'] : []);
    const values = fc.sample(arbitraryFor(schema, { root, hints }), { numRuns: 200, seed: 1 }) as { id: string }[];
    expect(values.filter((v) => v.id === 'item_real1').length).toBeGreaterThan(100);
    expect(values.every((v) => valid(schema, v))).toBe(true);
  });
});

describe('invalid-values', () => {
  it.each(concepts)('mutations are refused by the schema or marked as policy: %s', (_, schema) => {
    const mutated = arbitraryFor(schema, { root }).chain((value) => mutationsOf(schema, value, root, 'body'));
    const samples = fc.sample(mutated, { numRuns: 200, seed: 7 });
    // A mutation inside one branch of an anyOf may land in another branch: the fuzz suite filters those.
    const refused = samples.filter((m) => m.policy || !valid(schema, m.value));
    expect(refused.length).toBeGreaterThan(samples.length / 3);
  });

  it('refuses loose integers in parameters: hex, exponent, padding, decimals, empty', () => {
    const raws = invalidRawParameters({ type: 'integer', minimum: 0 }, root).map((bad) => bad.raw);
    expect(raws).toEqual(expect.arrayContaining(['0x10', '1e2', '%205', '1.0', '', '-1']));
  });
});

describe('every request schema of every spec', async () => {
  const operations = await loadOperations();
  const validator = await loadSpecValidator();
  const schemas = operations.flatMap((op) => [
    ...op.parameters.map((p) => [`${op.operationId} ${p.in}.${p.name}`, op, p.schema] as const),
    ...(op.body ? [[`${op.operationId} body`, op, op.body.schema] as const] : []),
  ]);
  it.each(schemas)('%s: generated values match', (_, op, schema) => {
    fc.assert(
      fc.property(arbitraryFor(schema, { root: op.doc }), (value) => validator.matches(op.area, schema, value)),
      { numRuns: 50 },
    );
  });
});
