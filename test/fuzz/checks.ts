/**
 * What every fuzz answer must satisfy: never a 500 (another 5xx only where the operation documents it),
 * a status the operation documents, a body that matches the documented schema for that status; plus
 * the checks of each kind of probe (refusals are 4xx, missing or wrong credentials 401/403).
 */
import { appendFileSync } from 'node:fs';
import type { SpecValidator } from '@computeplane/test-support/spec-validator';
import { describeRequest, type FuzzRequest, type FuzzResponse } from './send.js';
import type { FuzzOperation } from './spec-operations.js';

export class FuzzFailure extends Error {}

/**
 * Fails the property, or with `FUZZ_SURVEY=<file>` appends the failure to that file (one JSON line) and
 * lets the run go on, to list every distinct failure of a long run rather than the first.
 */
export function fail(op: FuzzOperation, request: FuzzRequest, response: FuzzResponse, problem: string): void {
  const survey = process.env.FUZZ_SURVEY;
  if (survey) {
    const record = { operation: op.operationId, problem, request: describeRequest(request), status: response.status };
    appendFileSync(survey, `${JSON.stringify({ ...record, answer: response.text.slice(0, 300) })}\n`);
    return;
  }
  throw new FuzzFailure(
    `${op.operationId}: ${problem}\n  request: ${describeRequest(request)}\n  answer: ${response.status} ${response.text.slice(0, 500)}`,
  );
}

/** Status documented, no undocumented 5xx, body as documented. */
export function checkConforms(
  validator: SpecValidator,
  op: FuzzOperation,
  request: FuzzRequest,
  response: FuzzResponse,
) {
  if (response.status === 500) fail(op, request, response, 'a 500');
  if (response.status >= 500 && !op.statuses.includes(String(response.status)))
    fail(op, request, response, `an undocumented ${response.status}`);
  checkTensors(op, request, response);
  try {
    validator.check(op.operationId, response);
  } catch (error) {
    fail(op, request, response, (error as Error).message.split('\n')[0]!.slice(0, 300));
  }
}

/**
 * A tensor in an answer (`{data: [...], shape: [...]}`, wherever it sits) holds numbers or booleans: a value
 * that is not finite must be reported as an error, never sent as JSON `null`.
 */
export function checkTensors(op: FuzzOperation, request: FuzzRequest, response: FuzzResponse) {
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${at}[${i}]`));
    if (!node || typeof node !== 'object') return;
    const { data, shape } = node as { data?: unknown; shape?: unknown };
    if (Array.isArray(data) && Array.isArray(shape) && data.some((v) => v === null))
      fail(op, request, response, `${at}.data holds null (a value that is not finite)`);
    for (const [key, value] of Object.entries(node)) visit(value, `${at}.${key}`);
  };
  visit(response.body, 'body');
}

/** A refusal: any 4xx (or exactly `status` where given), documented and as documented. */
export function checkRefused(
  validator: SpecValidator,
  op: FuzzOperation,
  request: FuzzRequest,
  response: FuzzResponse,
  why: string,
  status?: number,
) {
  if (response.status < 400 || response.status >= 500)
    fail(op, request, response, `invalid input (${why}) answered ${response.status}, not a 4xx`);
  if (status !== undefined && response.status !== status)
    fail(op, request, response, `invalid input (${why}) answered ${response.status}, not ${status}`);
  checkConforms(validator, op, request, response);
}

/** Without a valid credential of an accepted kind: 401 or 403, documented. */
export function checkUnauthorized(
  validator: SpecValidator,
  op: FuzzOperation,
  request: FuzzRequest,
  response: FuzzResponse,
  probe: string,
) {
  if (response.status !== 401 && response.status !== 403)
    fail(op, request, response, `auth probe "${probe}" answered ${response.status}, not 401/403`);
  checkConforms(validator, op, request, response);
}
