/**
 * Contract-test harness: checks every SDK result against the hand spec (status, content type, body)
 * and records which operations were exercised, so a suite can prove it covered its whole area.
 */
import type { ApiResult } from '@computeplane/sdk';
import { ApiError } from '@computeplane/sdk';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestDatabase, TestDriver } from '@computeplane/test-support/databases';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';
import { loadSpecValidator, type SpecValidator } from '@computeplane/test-support/spec-validator';

let validator: Promise<SpecValidator> | undefined;
export const specValidator = () => (validator ??= loadSpecValidator());

/** Operations that answered 2xx, checked against the spec, per process. */
export const coveredOperations = new Set<string>();

/** Asserts the result conforms to the spec for `operationId`, and returns it for further checks. */
export async function conform<R extends ApiResult<unknown>>(operationId: string, result: R | Promise<R>): Promise<R> {
  const settled = await result;
  if (!settled.response) throw new Error(`${operationId}: no response (${settled.error?.message})`);
  const body = settled.error ? (settled.error instanceof ApiError ? settled.error.body : undefined) : settled.data;
  (await specValidator()).check(operationId, {
    status: settled.response.status,
    contentType: settled.response.headers.get('content-type'),
    body,
  });
  expect(settled.response.headers.get('x-request-id')).toMatch(/^req_/);
  if (settled.response.ok) coveredOperations.add(operationId);
  return settled;
}

/** Asserts a conforming error result with the given status and code. */
export async function conformError(
  operationId: string,
  result: Promise<ApiResult<unknown>> | ApiResult<unknown>,
  status: number,
  code: string,
) {
  const settled = await conform(operationId, result);
  expect(settled.error, `${operationId} should fail with ${status} ${code}`).toBeInstanceOf(ApiError);
  const error = settled.error as ApiError;
  expect({ status: error.status, code: error.code }).toEqual({ status, code });
  expect(error.requestId).toBe(settled.response?.headers.get('x-request-id'));
  return error;
}

/**
 * A real server on a fresh database of `driver` for the enclosing describe block. Read `suite.server`
 * inside tests (it is set in beforeAll).
 */
export function serverFor(driver: TestDriver, options: Parameters<typeof startTestServer>[1] = {}) {
  const suite = {} as { db: TestDatabase; server: TestServer };
  beforeAll(async () => {
    suite.db = await driver.create();
    suite.server = await startTestServer(suite.db.database, options);
  });
  afterAll(async () => {
    await suite.server?.close();
    await suite.db?.dispose();
  });
  return suite;
}

/** The inference settings the inference suites share: small slices and batches, so jobs split and run fast. */
export const contractInferenceSettings = {
  leaseMs: 5_000,
  pollMs: 50,
  maxBatchSize: 16,
  maxSessions: 8,
  maxQueueDelayUs: 0,
  maxQueue: 1024,
  chunkSize: 64,
  stackedSliceBytes: 16 * 1024,
  runJobs: true,
};

/** Each value is within 1e-5 of the expected one (float32 results against ONNX Runtime in-process). */
export function expectClose(actual: unknown, expected: ArrayLike<number>) {
  const values = actual as number[];
  expect(values).toHaveLength(expected.length);
  values.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
}
