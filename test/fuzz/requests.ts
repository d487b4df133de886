/**
 * fast-check arbitraries of whole requests for one spec operation: schema-valid ones (parameters and body
 * from the spec, the spec's own examples, real ids mixed in, real model files for binary parts) and
 * schema-invalid ones (one parameter or one body value broken, the body missing, empty or not JSON).
 */
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { datasetFixturesDir, fixturesDir } from '@computeplane/test-support/fixtures';
import type { SpecValidator } from '@computeplane/test-support/spec-validator';
import type { KnownValue } from './fuzz-server.js';
import { invalidRawParameters, mutationsOf, type Mutation } from './invalid-values.js';
import { arbitraryFor, resolveRef, type GenerationContext, type Schema } from './schema-arbitrary.js';
import { multipartText, type Body, type FuzzRequest } from './send.js';
import type { FuzzOperation, Parameter } from './spec-operations.js';

/** Every file of fixtures/models (valid and broken models alike): what a binary part is filled with. */
const FIXTURE_FILES = readdirSync(fixturesDir).filter((file) => file !== 'manifest.json');
/** The datasets area's files come from fixtures/datasets (named relative to fixtures/models), plus one model. */
const DATASET_FILES = [...readdirSync(datasetFixturesDir).map((file) => `../datasets/${file}`), 'tiny-mlp.onnx'];
const isDatasets = (op: FuzzOperation) => op.path.startsWith('/api/v1/datasets');
const fixtureFilesFor = (op: FuzzOperation) => (isDatasets(op) ? DATASET_FILES : FIXTURE_FILES);
/** Files the operation accepts: what an otherwise broken request carries, so its one defect is what is refused. */
const validFilesFor = (op: FuzzOperation) =>
  isDatasets(op)
    ? DATASET_FILES.filter((file) => /\.(csv|jsonl)$/.test(file) && !file.includes('ragged'))
    : FIXTURE_FILES.filter((file) => file.endsWith('.onnx') && file !== 'not-a-model.onnx');

export interface RequestContext {
  known: KnownValue[];
  /** Headers of the credential the request carries. */
  credential: Record<string, string>;
  validator: SpecValidator;
}

/** Deleting, ending or revoking: such an operation never gets the shared resources' ids. */
export const isDestructive = (op: FuzzOperation) => op.method === 'delete' || /\/(done|cancel)$/.test(op.path);

/**
 * Hints by name, where the value fits the schema; a tenant's resource id only where the schema has an id
 * pattern (a reference), never in free text that happens to share the name (a session's `model_id`).
 */
export function generationContext(op: FuzzOperation, known: KnownValue[], requiredOnly = false): GenerationContext {
  const usable = isDestructive(op) ? known.filter((k) => !k.owned && !k.names.includes('tenant_id')) : known;
  return {
    root: op.doc,
    requiredOnly,
    hints: (name, schema) =>
      usable
        .filter((k) => name !== undefined && k.names.includes(name))
        .filter((k) => (typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u').test(k.value) : !k.owned))
        .map((k) => k.value),
  };
}

/** A number as plain decimal text (String() would write large and tiny ones with an exponent). */
export function plainNumber(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return Math.abs(n) >= 1 ? BigInt(n).toString() : '0';
}

function rawParameter(value: unknown): string {
  if (typeof value === 'number') return plainNumber(value);
  if (typeof value === 'string') return encodeURIComponent(value);
  return encodeURIComponent(JSON.stringify(value));
}

const headerSafe = (text: string) => /^[\x20-\x7e]*$/.test(text);

function parametersArbitrary(op: FuzzOperation, gen: GenerationContext) {
  return fc.tuple(
    ...op.parameters.map((p) => {
      const value = arbitraryFor(p.schema, gen, p.name);
      // A path value of "." or ".." is a dot segment, which URL parsing removes (even percent-encoded): such a
      // request can never reach the operation's route, so it says nothing about the operation.
      const filtered =
        p.in === 'header'
          ? value.filter((v) => headerSafe(String(v)))
          : p.in === 'path'
            ? value.filter((v) => v !== '.' && v !== '..')
            : value;
      const optional = gen.requiredOnly ? fc.constant(null) : fc.option(filtered, { freq: 2 });
      return (p.required ? filtered : optional).map((v) => [p, v] as const);
    }),
  );
}

function assemble(op: FuzzOperation, ctx: RequestContext, params: (readonly [Parameter, unknown])[], body: Body) {
  const request: FuzzRequest = {
    method: op.method,
    path: op.path,
    pathValues: {},
    query: [],
    headers: { ...ctx.credential },
    body,
  };
  for (const [p, value] of params) {
    if (value === null && !p.required) continue;
    if (p.in === 'path') request.pathValues[p.name] = rawParameter(value);
    if (p.in === 'query') request.query.push([p.name, rawParameter(value)]);
    if (p.in === 'header') request.headers[p.name] = String(value);
  }
  return request;
}

/** Replaces the example's ids with real ones where a known value fits the property (name and schema). */
function withKnownIds(value: unknown, schema: Schema | undefined, gen: GenerationContext, name?: string): unknown {
  const resolved = schema === undefined ? {} : resolveRef(schema, gen.root);
  const node = typeof resolved === 'object' ? resolved : {};
  if (Array.isArray(value)) return value.map((item) => withKnownIds(item, node.items as Schema | undefined, gen));
  if (value && typeof value === 'object') {
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, withKnownIds(v, properties[key], gen, key)]),
    );
  }
  if (typeof value === 'string') return gen.hints?.(name, { type: 'string', ...node })[0] ?? value;
  return value;
}

function bodyValueArbitrary(op: FuzzOperation, gen: GenerationContext, examplesOnly = false): fc.Arbitrary<unknown> {
  const generated = arbitraryFor(op.body!.schema, gen);
  const examples = op.body!.examples.map((example) => withKnownIds(example, op.body!.schema, gen));
  if (examplesOnly && examples.length) return fc.constantFrom(...examples);
  if (!examples.length) return generated;
  const varied = fc.oneof(...examples.map((example) => varyNumbers(example, op.body!.schema, gen)));
  return fc.oneof(
    { weight: 2, arbitrary: generated },
    { weight: 1, arbitrary: fc.constantFrom(...examples) },
    { weight: 1, arbitrary: varied },
  );
}

/**
 * The example with each value at a `number` position drawn from its schema (the whole double range),
 * the rest kept: requests that get past every other check and reach the engine with extreme values.
 */
function varyNumbers(value: unknown, schema: Schema | undefined, gen: GenerationContext): fc.Arbitrary<unknown> {
  const resolved = schema === undefined ? {} : resolveRef(schema, gen.root);
  const node = (typeof resolved === 'object' ? resolved : {}) as Record<string, unknown>;
  if (Array.isArray(value))
    return fc.tuple(...value.map((item) => varyNumbers(item, node.items as Schema | undefined, gen)));
  if (value && typeof value === 'object') {
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    const anyOf = (node.anyOf ?? node.oneOf) as Schema[] | undefined;
    const fields = Object.entries(value).map(([key, v]) => {
      // An anyOf/oneOf of objects: follow the first branch that declares the property.
      const branch = anyOf
        ?.map((b) => resolveRef(b, gen.root))
        .find((b) => typeof b === 'object' && key in ((b.properties as object) ?? {})) as
        Record<string, unknown> | undefined;
      const child = properties[key] ?? (branch?.properties as Record<string, Schema> | undefined)?.[key];
      return varyNumbers(v, child, gen).map((varied) => [key, varied] as const);
    });
    return fc.tuple(...fields).map((entries) => Object.fromEntries(entries));
  }
  const types = (typeof node.type === 'string' ? [node.type] : (node.type as string[] | undefined)) ?? [];
  if (typeof value === 'number' && types.includes('number'))
    return fc.oneof(fc.constant(value), arbitraryFor({ type: 'number' }, gen));
  return fc.constant(value);
}

const binaryFields = (op: FuzzOperation) => {
  const schema = resolveRef(op.body!.schema, op.doc) as { properties?: Record<string, Schema> };
  return Object.entries(schema.properties ?? {})
    .filter(([, s]) => (resolveRef(s, op.doc) as { format?: string }).format === 'binary')
    .map(([name]) => name);
};

/** The body on the wire; multipart binary parts that hold the `<file>` placeholder get a fixture file. */
function encodeBody(op: FuzzOperation, value: unknown, fixture: string, everyFile = false): Body {
  if (!op.body) return { kind: 'none' };
  if (op.body.mediaType !== 'multipart/form-data')
    return { kind: 'raw', contentType: op.body.mediaType, text: JSON.stringify(value) };
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { kind: 'raw', contentType: 'multipart/form-data; boundary=fuzz', text: JSON.stringify(value) };
  const fields = { ...(value as Record<string, unknown>) };
  const files: Record<string, string> = {};
  for (const name of binaryFields(op))
    if (fields[name] === '<file>' || (everyFile && name in fields)) {
      delete fields[name];
      files[name] = fixture;
    }
  return { kind: 'multipart', fields, files, encoding: op.body.encoding };
}

/** What the server sees of a body: JSON after a round trip, multipart parts as text unless JSON-encoded. */
function serverView(op: FuzzOperation, value: unknown): unknown {
  if (op.body?.mediaType !== 'multipart/form-data') return JSON.parse(JSON.stringify(value) ?? 'null');
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, v]) => {
      const text = multipartText(v, op.body!.encoding[name]);
      return [name, op.body!.encoding[name]?.includes('json') ? JSON.parse(text) : text];
    }),
  );
}

/**
 * Schema-valid requests; `smallest`: required parameters and properties only; `examples`: the body is one
 * of the spec's examples (with real ids).
 */
export function validRequest(
  op: FuzzOperation,
  ctx: RequestContext,
  mode: 'any' | 'smallest' | 'examples' = 'any',
  files: 'any' | 'accepted' = 'any',
): fc.Arbitrary<FuzzRequest> {
  const gen = generationContext(op, ctx.known, mode === 'smallest');
  const body = op.body ? bodyValueArbitrary(op, gen, mode === 'examples') : fc.constant(undefined);
  // 'accepted': every binary part is a file the operation accepts (a create step must be able to create).
  const fixtures = files === 'accepted' ? validFilesFor(op) : fixtureFilesFor(op);
  return fc
    .tuple(parametersArbitrary(op, gen), body, fc.constantFrom(...fixtures))
    .map(([params, value, fixture]) => assemble(op, ctx, params, encodeBody(op, value, fixture, files === 'accepted')));
}

export interface InvalidRequest {
  request: FuzzRequest;
  why: string;
  /** The one status this refusal must have, where the API defines it (415 for a wrong media type). */
  status?: number;
}

const WRONG_MEDIA_TYPES: [string, string][] = [
  ['text/plain', 'hello'],
  ['application/x-www-form-urlencoded', 'name=x&model=y'],
  ['application/xml', '<model/>'],
  ['application/json', '{}'],
];

export function invalidRequest(op: FuzzOperation, ctx: RequestContext): fc.Arbitrary<InvalidRequest> {
  const gen = generationContext(op, ctx.known);
  const base = fc.tuple(
    parametersArbitrary(op, gen),
    op.body ? bodyValueArbitrary(op, gen) : fc.constant(undefined),
    fc.constantFrom(...validFilesFor(op)),
  );
  const kinds: fc.Arbitrary<InvalidRequest>[] = [];
  const brokenParams = op.parameters.flatMap((p) =>
    invalidRawParameters(p.schema, op.doc)
      .filter((bad) => p.in !== 'header' || headerSafe(decodeURIComponent(bad.raw)))
      .map((bad) => ({ p, ...bad })),
  );
  if (brokenParams.length)
    kinds.push(
      fc.tuple(base, fc.constantFrom(...brokenParams)).map(([[params, value, fixture], bad]) => {
        const request = assemble(
          op,
          ctx,
          params.filter(([p]) => p !== bad.p),
          encodeBody(op, value, fixture),
        );
        if (bad.p.in === 'path') request.pathValues[bad.p.name] = bad.raw;
        if (bad.p.in === 'query') request.query.push([bad.p.name, bad.raw]);
        if (bad.p.in === 'header') request.headers[bad.p.name] = decodeURIComponent(bad.raw);
        return { request, why: `${bad.p.in}.${bad.p.name}=${bad.raw.slice(0, 40)}: ${bad.why}` };
      }),
    );
  if (op.body) {
    kinds.push(
      base.chain(([params, value, fixture]) =>
        mutationsOf(op.body!.schema, value, op.doc, 'body')
          .filter((m) => bodyRejected(op, ctx, m))
          .map((m) => ({
            request: assemble(op, ctx, params, encodeBody(op, m.value, fixture)),
            why: m.why + (m.policy ? ' (refused by policy)' : ''),
          })),
      ),
    );
    const rawBodies: [string, string][] = op.body.required
      ? [
          ['', 'empty body'],
          ['{"a": ', 'malformed JSON'],
        ]
      : [];
    if (op.body.mediaType.includes('json'))
      for (const [text, why] of rawBodies)
        kinds.push(
          base.map(([params]) => ({
            request: assemble(op, ctx, params, { kind: 'raw', contentType: op.body!.mediaType, text }),
            why,
          })),
        );
    if (op.body.required)
      kinds.push(base.map(([params]) => ({ request: assemble(op, ctx, params, { kind: 'none' }), why: 'no body' })));
    kinds.push(
      fc
        .tuple(base, fc.constantFrom(...WRONG_MEDIA_TYPES.filter(([type]) => type !== op.body!.mediaType)))
        .map(([[params], [contentType, text]]) => ({
          // Without an Idempotency-Key, which a replayed key would answer first (409) with good reason.
          request: assemble(
            op,
            ctx,
            params.filter(([p]) => p.name !== 'Idempotency-Key'),
            {
              kind: 'raw',
              contentType,
              text,
            },
          ),
          why: `Content-Type ${contentType}`,
          status: 415,
        })),
    );
  }
  return kinds.length ? fc.oneof(...kinds) : fc.constant({ request: undefined as never, why: 'nothing to break' });
}

/**
 * A body mutation counts when JSON Schema refuses what the server sees, or the API refuses it by policy
 * (text where a file part is required counts too: multipart has no other way to say "wrong type").
 */
function bodyRejected(op: FuzzOperation, ctx: RequestContext, m: Mutation): boolean {
  if (m.policy) return true;
  const value = m.value as Record<string, unknown> | null;
  if (value && typeof value === 'object' && binaryFields(op).some((name) => name in value && value[name] !== '<file>'))
    return true;
  return !ctx.validator.matches(op.area, op.body!.schema, serverView(op, m.value));
}
