/**
 * Create/get/delete sequences derived from the specs: a POST that answers 201 or 202 creates something; the
 * operations under its path whose path parameter's pattern matches an id in the answer read it (GET,
 * must be 2xx) and delete it (DELETE, must be 2xx), after which a read must still conform. The listing
 * at the POST's path, when there is one, must show the new id while it exists.
 */
import fc from 'fast-check';
import type { SpecValidator } from '@computeplane/test-support/spec-validator';
import { checkConforms, fail } from './checks.js';
import { FUZZ_SEED } from './fuzz-config.js';
import { validRequest, type RequestContext } from './requests.js';
import { resolveRef } from './schema-arbitrary.js';
import { send, type FuzzRequest, type FuzzResponse } from './send.js';
import type { FuzzOperation } from './spec-operations.js';

export interface Sequence {
  create: FuzzOperation;
  followers: FuzzOperation[];
  listing?: FuzzOperation;
}

const pathPattern = (op: FuzzOperation) => {
  const parameter = op.parameters.find((p) => p.in === 'path');
  const schema = parameter && resolveRef(parameter.schema, op.doc);
  return typeof schema === 'object' && typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
};

export function sequencesOf(operations: FuzzOperation[]): Sequence[] {
  return operations
    .filter((op) => op.method === 'post' && !op.path.includes('{') && op.statuses.some((s) => /^2/.test(s)))
    .map((create) => {
      const under = (prefix: string) => operations.filter((op) => op.path.startsWith(`${prefix}/{`) && pathPattern(op));
      const parent = create.path.slice(0, create.path.lastIndexOf('/'));
      const followers = under(create.path).length ? under(create.path) : under(parent);
      const listing = operations.find((op) => op.method === 'get' && op.path === create.path);
      return { create, followers, ...(listing ? { listing } : {}) };
    });
}

/**
 * Requests for the create step (with files it accepts): the smallest valid ones, the spec's examples, then
 * any; never with a unique name the set-up already holds (every one would be a 409).
 */
function createCandidates(op: FuzzOperation, ctx: RequestContext): FuzzRequest[] {
  const fresh = { ...ctx, known: ctx.known.filter((k) => !k.unique) };
  return (['smallest', 'examples', 'any'] as const).flatMap((mode) =>
    fc.sample(validRequest(op, fresh, mode, 'accepted'), { numRuns: 20, seed: FUZZ_SEED }),
  );
}

export async function runSequence(
  baseUrl: string,
  sequence: Sequence,
  ctx: RequestContext,
  validator: SpecValidator,
  credentialOf: (op: FuzzOperation) => Record<string, string>,
) {
  const call = async (op: FuzzOperation, request: FuzzRequest) => {
    const response = await send(baseUrl, request);
    checkConforms(validator, op, request, response);
    return response;
  };
  // A create is a 201 or a 202; a 200 (a synchronous result) creates nothing to read back, so try on.
  let created: { request: FuzzRequest; response: FuzzResponse } | undefined;
  for (const request of createCandidates(sequence.create, ctx)) {
    const response = await call(sequence.create, request);
    if (response.status === 201 || response.status === 202) {
      created = { request, response };
      break;
    }
  }
  if (!created) throw new Error(`${sequence.create.operationId}: none of 60 schema-valid requests created anything`);
  // The answer's string values (not its keys: `{"data": {...}}` must not offer "data" as an id), in order.
  const strings: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length <= 300) strings.push(value);
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(created.response.body);
  // Only operations on the created resource itself name it by one path parameter; one with a second
  // (`/instances/{id}/volumes/{volumeId}`) needs another resource, which this sequence never created.
  const onCreated = (op: FuzzOperation) => op.parameters.filter((p) => p.in === 'path').length === 1;
  const steps = sequence.followers.filter(onCreated).flatMap((op) => {
    const id = strings.find((s) => pathPattern(op)!.test(s));
    return id ? [{ op, id }] : [];
  });
  const request = (op: FuzzOperation, id: string, query: [string, string][] = []): FuzzRequest => ({
    method: op.method,
    path: op.path,
    pathValues: Object.fromEntries(
      op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, encodeURIComponent(id)]),
    ),
    query,
    headers: credentialOf(op),
    body: { kind: 'none' },
  });
  if (sequence.listing) {
    const limit = sequence.listing.parameters.find((p) => p.name === 'limit');
    const max = limit && (resolveRef(limit.schema, sequence.listing.doc) as { maximum?: number }).maximum;
    const listRequest: FuzzRequest = { ...request(sequence.listing, ''), query: max ? [['limit', String(max)]] : [] };
    const listed = await call(sequence.listing, listRequest);
    const ids = steps.map((step) => step.id);
    if (listed.status !== 200) fail(sequence.listing, listRequest, listed, 'listing after a create is not 200');
    const page = listed.body as { total?: number; count?: number };
    const complete = page.total === undefined || page.total <= (max ?? 100);
    // The listing is JSON text: an id holding `"` or `\` appears there escaped.
    const listedText = (id: string) =>
      listed.text.includes(id) || listed.text.includes(JSON.stringify(id).slice(1, -1));
    if (complete && ids.some((id) => !listedText(id)))
      fail(sequence.listing, listRequest, listed, `the listing lacks the created ${ids.join(', ')}`);
  }
  // The resource itself (`.../{id}`) must read back; its sub-resources (`.../{id}/diagnostics`) must conform.
  const gets = steps.filter((step) => step.op.method === 'get');
  for (const { op, id } of gets) {
    const r = request(op, id);
    const response = await call(op, r);
    if (response.status >= 300 && op.path.endsWith('}'))
      fail(op, r, response, `reading what ${sequence.create.operationId} created is not 2xx`);
  }
  for (const { op, id } of steps.filter((step) => step.op.method === 'delete')) {
    const r = request(op, id);
    const response = await call(op, r);
    // A 409 the operation documents is a state conflict (a job that already finished cannot be cancelled).
    if (response.status >= 300 && !(response.status === 409 && op.statuses.includes('409')))
      fail(op, r, response, `deleting what ${sequence.create.operationId} created is not 2xx`);
    for (const get of gets) await call(get.op, request(get.op, get.id));
  }
  return { created: created.response, steps: steps.map((step) => step.op.operationId) };
}
