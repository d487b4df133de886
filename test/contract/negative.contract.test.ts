/**
 * Negative cases derived from the specs, for every operation: no credentials, another tenant's key,
 * malformed ids, wrong query types, malformed JSON, wrong content types, unknown fields, and
 * property-based random bodies (fast-check). Each must be a 4xx with the error envelope, never a 5xx.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixturePath } from '@computeplane/test-support/fixtures';
import { errorOf } from '@computeplane/test-support/error-body';
import { ADMIN_KEY } from '@computeplane/test-support/test-server';
import type { SpecOperation } from '@computeplane/test-support/spec-validator';
import { serverFor, specValidator } from './harness.js';

const validator = await specValidator();
const needsAuth = (op: SpecOperation) => op.path.startsWith('/api/v1/') && !op.path.startsWith('/api/v1/health');
const isAdmin = (op: SpecOperation) => op.path.startsWith('/api/v1/admin');
const jsonBodyOps = validator.operations.filter((op) => op.jsonBody);

describe.each(testDrivers)('negative cases on $name', (driver) => {
  const suite = serverFor(driver);
  let modelId: string;
  beforeAll(async () => {
    modelId = (await unwrap(uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx') }))).id;
  });

  const credentials = (op: SpecOperation, who: 'a' | 'b' | 'none'): Record<string, string> =>
    who === 'none'
      ? {}
      : isAdmin(op)
        ? { 'X-Admin-Key': ADMIN_KEY }
        : { 'X-API-Key': who === 'a' ? suite.server.keyA : suite.server.keyB };

  async function call(
    op: SpecOperation,
    init: { path?: string; headers?: Record<string, string>; body?: string; query?: string },
  ) {
    const id = op.path.startsWith('/api/v1/sessions/') ? 'sess-missing0' : modelId;
    const path = init.path ?? op.path.replace('{id}', id).replace('{file}', 'models.yaml');
    const response = await fetch(`${suite.server.baseUrl}${path}${init.query ?? ''}`, {
      method: op.method.toUpperCase(),
      headers: init.headers ?? {},
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    const body = contentType?.includes('json') && text ? JSON.parse(text) : text;
    return { status: response.status, contentType, body, requestId: response.headers.get('x-request-id') };
  }

  function expectClientError(
    op: SpecOperation,
    result: Awaited<ReturnType<typeof call>>,
    status: number | number[],
    code?: string,
  ) {
    expect([status].flat(), `${op.operationId}: ${JSON.stringify(result.body)}`).toContain(result.status);
    validator.check(op.operationId, result);
    const error = errorOf(result.body);
    expect(error.request_id).toBe(result.requestId);
    if (code) expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  }

  it.each(validator.operations.filter(needsAuth).map((op) => [op.operationId, op] as const))(
    '%s without credentials is 401 AUTH_REQUIRED',
    async (_, op) => {
      expectClientError(op, await call(op, {}), 401, 'AUTH_REQUIRED');
    },
  );

  it("another tenant's model is a 404 for every model operation", async () => {
    for (const op of validator.operations.filter((o) => o.path.includes('/models/{id}'))) {
      const body = op.method === 'patch' ? JSON.stringify({ labels: [] }) : undefined;
      const headers = { ...credentials(op, 'b'), ...(body ? { 'Content-Type': 'application/json' } : {}) };
      expectClientError(op, await call(op, { headers, ...(body ? { body } : {}) }), 404, 'NOT_FOUND');
    }
  });

  it('malformed ids are 400 VALIDATION_ERROR naming the path parameter', async () => {
    const withIds = validator.operations.filter((op) => op.path.includes('{id}'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withIds), fc.string({ minLength: 1, maxLength: 80 }), async (op, raw) => {
        const id = encodeURIComponent(raw);
        fc.pre(!/^(model|key)_[a-z0-9]{4,32}$/.test(raw) && raw !== '.' && raw !== '..');
        const body = op.method === 'patch' ? JSON.stringify({ labels: [] }) : undefined;
        const headers = { ...credentials(op, 'a'), ...(body ? { 'Content-Type': 'application/json' } : {}) };
        const result = await call(op, { path: op.path.replace('{id}', id), headers, ...(body ? { body } : {}) });
        expect(result.status).toBeLessThan(500);
        if (result.status !== 404) expectClientError(op, result, 400, 'VALIDATION_ERROR');
      }),
      { numRuns: 40 },
    );
  });

  it('wrong query types are 400 VALIDATION_ERROR', async () => {
    const paged = validator.operations.filter(
      (o) => o.method === 'get' && o.query.includes('limit') && o.query.includes('offset'),
    );
    expect(paged.map((o) => o.operationId)).toEqual(expect.arrayContaining(['listModels', 'listOffers']));
    for (const op of paged) {
      for (const query of ['?limit=abc', '?limit=0', '?limit=100000', '?offset=-1']) {
        const result = await call(op, { headers: credentials(op, 'a'), query });
        expectClientError(op, result, 400, 'VALIDATION_ERROR');
        expect(JSON.stringify(errorOf(result.body).details)).toMatch(/query\.(limit|offset)/);
      }
    }
  });

  it.each(jsonBodyOps.map((op) => [op.operationId, op] as const))(
    '%s: malformed JSON, wrong content type, unknown fields',
    async (_, op) => {
      const headers = { ...credentials(op, 'a'), 'Content-Type': 'application/json' };
      expectClientError(op, await call(op, { headers, body: '{"name": ' }), 400, 'VALIDATION_ERROR');
      expectClientError(
        op,
        await call(op, { headers: { ...credentials(op, 'a'), 'Content-Type': 'text/plain' }, body: 'hello' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectClientError(
        op,
        await call(op, { headers, body: JSON.stringify({ no_such_field: 1 }) }),
        400,
        'VALIDATION_ERROR',
      );
    },
  );

  it.each(jsonBodyOps.map((op) => [op.operationId, op] as const))(
    '%s: random JSON bodies never cause a 5xx',
    async (_, op) => {
      const headers = { ...credentials(op, 'a'), 'Content-Type': 'application/json' };
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
          const result = await call(op, { headers, body: JSON.stringify(value) });
          expect(result.status, JSON.stringify(result.body)).toBeLessThan(500);
          validator.check(op.operationId, result);
        }),
        { numRuns: 30 },
      );
    },
  );

  it('bodies larger than the JSON limit are 413', async () => {
    const op = validator.operation('createTenant');
    const headers = { ...credentials(op, 'a'), 'Content-Type': 'application/json' };
    const result = await call(op, { headers, body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
    expectClientError(op, result, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a multipart upload without the model part is 400 naming the field', async () => {
    const op = validator.operation('uploadModel');
    const form = new FormData();
    form.set('name', 'no-file');
    const response = await fetch(`${suite.server.baseUrl}/api/v1/models`, {
      method: 'POST',
      headers: credentials(op, 'a'),
      body: form,
    });
    const body = await response.json();
    expectClientError(
      op,
      {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body,
        requestId: response.headers.get('x-request-id'),
      },
      400,
      'VALIDATION_ERROR',
    );
    expect(JSON.stringify(body.error.details)).toContain('body.model');
  });

  it('unknown paths are enveloped 404s, and wrong methods on known paths 405 with Allow', async () => {
    const response = await fetch(`${suite.server.baseUrl}/api/v1/nothing-here`, {
      headers: { 'X-API-Key': suite.server.keyA },
    });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('NOT_FOUND');
    const wrong = await fetch(`${suite.server.baseUrl}/api/v1/models/${modelId}`, {
      method: 'PUT',
      headers: { 'X-API-Key': suite.server.keyA },
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS');
    expect((await wrong.json()).error).toMatchObject({
      code: 'METHOD_NOT_ALLOWED',
      request_id: wrong.headers.get('x-request-id'),
    });
  });

  it.each<Record<string, string>>([{}, { 'Idempotency-Key': 'malformed-multipart' }])(
    'a malformed multipart body is 400 VALIDATION_ERROR, never a 500 (headers %j)',
    async (extra) => {
      const op = validator.operation('uploadModel');
      const result = await call(op, {
        headers: { ...credentials(op, 'a'), ...extra, 'Content-Type': 'multipart/form-data; boundary=fuzz' },
        body: '"text"',
      });
      expectClientError(op, result, 400, 'VALIDATION_ERROR');
      expect(errorOf(result.body).message).toMatch(/multipart|formdata/i);
    },
  );

  it('header parameters outside their schema are 400 VALIDATION_ERROR naming the header', async () => {
    const op = validator.operation('runInference');
    const body = JSON.stringify({ model_id: modelId, input: { data: [1, 2, 3, 4], shape: [1, 4] } });
    const headers = { ...credentials(op, 'a'), 'Content-Type': 'application/json' };
    const result = await call(op, { headers: { ...headers, 'X-Async': 'maybe' }, body });
    expectClientError(op, result, 400, 'VALIDATION_ERROR');
    expect(JSON.stringify(errorOf(result.body).details)).toContain('header.x-async');
    expect((await call(op, { headers: { ...headers, 'X-Async': 'true' }, body })).status).toBe(202);
  });

  it('adapter names outside the seed lists are 400 naming the field', async () => {
    const op = validator.operation('uploadModel');
    const form = new FormData();
    form.set('model', new Blob([new Uint8Array([1, 2, 3])]), 'm.onnx');
    form.set('preprocessing', 'magic');
    const response = await fetch(`${suite.server.baseUrl}/api/v1/models`, {
      method: 'POST',
      headers: credentials(op, 'a'),
      body: form,
    });
    const body = await response.json();
    expectClientError(
      op,
      {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body,
        requestId: response.headers.get('x-request-id'),
      },
      400,
      'VALIDATION_ERROR',
    );
    expect(JSON.stringify(body.error.details)).toContain('body.preprocessing');
    const patch = validator.operation('updateModelSchema');
    const patched = await call(patch, {
      headers: { ...credentials(patch, 'a'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ postprocessing: 'softmax' }),
    });
    expectClientError(patch, patched, 400, 'VALIDATION_ERROR');
  });
});
