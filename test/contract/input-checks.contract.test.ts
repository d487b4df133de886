/**
 * API-level input checks (issue 11, section 2) against a real server on both drivers: integers past
 * what the storage holds, NUL characters and lone surrogates in any string (also nested in free-form
 * JSON, multipart fields and query parameters), out-of-range dates, loose query numbers, wrong content
 * types, and methods a path does not define. Each is a 4xx in the area's error format, never a 5xx.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@computeplane/sdk';
import { runInference } from '@computeplane/sdk/inference';
import { uploadModel } from '@computeplane/sdk/models';
import { testDrivers } from '@computeplane/test-support/databases';
import { fixtureBytes, fixturePath } from '@computeplane/test-support/fixtures';
import { errorOf as readError } from '@computeplane/test-support/error-body';
import { ADMIN_KEY } from '@computeplane/test-support/test-server';
import { serverFor, specValidator } from './harness.js';

const validator = await specValidator();
const INT4_MAX = 2147483647;

describe.each(testDrivers)('input checks on $name', (driver) => {
  const suite = serverFor(driver);
  let modelId: string;
  let jobId: string;
  let tenantId: string;
  beforeAll(async () => {
    modelId = (await unwrap(uploadModel(suite.server.clientA, { model: fixturePath('tiny-mlp.onnx') }))).id;
    const accepted = await unwrap(
      runInference(suite.server.clientA, {
        body: { model_id: modelId, input: { data: [1, 2, 3, 4], shape: [1, 4] }, async: true },
      }),
    );
    jobId = accepted.job_id;
    const tenants = await send('GET', '/api/v1/admin/tenants', { admin: true });
    tenantId = (tenants.body as { tenants: { id: string }[] }).tenants[0]!.id;
  });

  interface Sent {
    status: number;
    body: unknown;
    headers: Headers;
  }
  async function send(
    method: string,
    path: string,
    init: { json?: unknown; raw?: string; form?: FormData; type?: string; admin?: boolean; anonymous?: boolean } = {},
  ): Promise<Sent> {
    const headers: Record<string, string> = init.anonymous
      ? {}
      : init.admin
        ? { 'X-Admin-Key': ADMIN_KEY }
        : { 'X-API-Key': suite.server.keyA };
    let body: BodyInit | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.raw !== undefined) {
      headers['Content-Type'] = init.type ?? 'application/json';
      body = init.raw;
    } else if (init.form) body = init.form;
    const response = await fetch(`${suite.server.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const parsed = response.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** The error code and detail paths of any error format (test-support/error-body). */
  const errorOf = (body: unknown) => {
    const envelope = readError(body);
    return { ...envelope, paths: (envelope.details ?? []).map((d) => d.path) };
  };

  function expectRejected(result: Sent, field: string, status = 400, code = 'VALIDATION_ERROR') {
    expect(result.status, JSON.stringify(result.body)).toBe(status);
    const error = errorOf(result.body);
    expect(error.code).toBe(code);
    expect(error.paths, error.message).toContain(field);
  }

  describe('integers are bounded by what the storage holds', () => {
    it('results_offset past a job size is 400 (was a 500: out of range for type integer)', async () => {
      expectRejected(await send('GET', `/api/v1/inference/${jobId}?results_offset=2147482648`), 'query.results_offset');
      const max = await send('GET', `/api/v1/inference/${jobId}?results_offset=1000000&results_limit=10000`);
      expect(max.status, JSON.stringify(max.body)).toBe(200);
      validator.check('getInferenceJob', { ...max, contentType: max.headers.get('content-type') });
    });

    it.each([
      ['listModels', '/api/v1/models'],
      ['listOffers', '/api/v1/inventory'],
      ['listSessions', '/api/v1/sessions'],
      ['listTenants', '/api/v1/admin/tenants'],
    ])('%s: offset up to 2^31-1 is an empty page, past it a 400', async (operationId, path) => {
      const admin = path.includes('/admin/');
      const last = await send('GET', `${path}?offset=${INT4_MAX}`, { admin });
      expect(last.status, JSON.stringify(last.body)).toBe(200);
      validator.check(operationId, { ...last, contentType: last.headers.get('content-type') });
      expectRejected(await send('GET', `${path}?offset=${INT4_MAX + 1}`, { admin }), 'query.offset');
    });

    it('offer filters and tensor dimensions past their bounds are 400', async () => {
      expectRejected(await send('GET', '/api/v1/inventory?min_vram=99999999999'), 'query.min_vram');
      expectRejected(await send('GET', '/api/v1/inventory?gpu_count=4294967296'), 'query.gpu_count');
      expectRejected(
        await send('POST', '/api/v1/inference', {
          json: { model_id: modelId, input: { data: [1, 2, 3, 4], shape: [1, 2 ** 40] } },
        }),
        'body.input.shape[1]',
      );
      const form = new FormData();
      form.set('model', new Blob([fixtureBytes('tiny-mlp.onnx')]), 'm.onnx');
      form.set('input_shape', JSON.stringify([1, 2 ** 53]));
      expectRejected(await send('POST', '/api/v1/models', { form }), 'body.input_shape[1]');
    });
  });

  describe('NUL characters and lone surrogates are rejected in every string, naming the field', () => {
    const nul = 'bad\u0000name';
    const lone = 'bad\ud800name';

    it.each([
      ['tenant name', 'POST', '/api/v1/admin/tenants', { name: nul }, 'body.name'],
      ['tenant name (lone surrogate)', 'POST', '/api/v1/admin/tenants', { name: lone }, 'body.name'],
      ['batch name', 'POST', '/api/v1/inference/batch', { name: nul }, 'body.name'],
      ['project id', 'POST', '/api/v1/inference', { project_id: nul, async: true }, 'body.project_id'],
      ['consumer id', 'POST', '/api/v1/sessions', { consumer_id: nul }, 'body.consumer_id'],
      [
        'on_start_cmd',
        'POST',
        '/api/v1/sessions',
        { consumer_id: 'c', on_start_cmd: `echo ${nul}` },
        'body.on_start_cmd',
      ],
      ['labels', 'PATCH', '/api/v1/models/{model}/schema', { labels: ['ok', lone] }, 'body.labels[1]'],
      [
        'nested schema',
        'PATCH',
        '/api/v1/models/{model}/schema',
        { input_schema: { a: { b: [nul] } } },
        'body.input_schema.a.b[0]',
      ],
      ['schema key', 'PATCH', '/api/v1/models/{model}/schema', { output_schema: { [nul]: 1 } }, 'body.output_schema'],
      ['free-form input', 'POST', '/api/v1/inference', { input: { text: nul }, async: true }, 'body.input.text'],
    ])('%s', async (_, method, rawPath, json, field) => {
      const path = rawPath.replace('{model}', modelId);
      const admin = path.includes('/admin/');
      const body = {
        ...(path.startsWith('/api/v1/inference')
          ? { model_id: modelId, input: { data: [1, 2, 3, 4], shape: [1, 4] } }
          : {}),
        ...(path === '/api/v1/inference/batch' ? { inputs: [{ data: [1, 2, 3, 4], shape: [1, 4] }] } : {}),
        ...(path === '/api/v1/sessions' ? { offer_id: 'local-x', reservation_hours: 1, workload_type: 'llm' } : {}),
        ...json,
      };
      if (path === '/api/v1/inference/batch') delete (body as { input?: unknown }).input;
      expectRejected(await send(method, path, { json: body, admin }), field);
    });

    it('an API key name and a tenant name sent as raw JSON escapes', async () => {
      expectRejected(
        await send('POST', '/api/v1/admin/api-keys', {
          raw: `{"tenant_id":"${tenantId}","name":"a\\u0000b"}`,
          admin: true,
        }),
        'body.name',
      );
      expectRejected(
        await send('POST', '/api/v1/admin/tenants', { raw: '{"name":"\\udc00"}', admin: true }),
        'body.name',
      );
    });

    it('multipart fields, JSON-encoded multipart fields and file names', async () => {
      const upload = (set: (form: FormData) => void) => {
        const form = new FormData();
        form.set('model', new Blob([fixtureBytes('tiny-mlp.onnx')]), 'm.onnx');
        set(form);
        return send('POST', '/api/v1/models', { form });
      };
      expectRejected(await upload((f) => f.set('name', nul)), 'body.name');
      expectRejected(await upload((f) => f.set('labels', JSON.stringify(['x', nul]))), 'body.labels[1]');
      expectRejected(
        await upload((f) => f.set('input_schema', JSON.stringify({ properties: { x: { title: lone } } }))),
        'body.input_schema.properties.x.title',
      );
      expectRejected(
        await upload((f) => f.set('model', new Blob([fixtureBytes('tiny-mlp.onnx')]), 'bad\u0000.onnx')),
        'body.model',
      );
    });

    it('query parameters', async () => {
      expectRejected(await send('GET', '/api/v1/sessions?consumer_id=a%00b'), 'query.consumer_id');
      expectRejected(await send('GET', '/api/v1/costs?consumer_id=%00'), 'query.consumer_id');
      expectRejected(await send('GET', '/api/v1/templates?name=x%00'), 'query.name');
      expectRejected(await send('GET', '/api/v1/models/%00'), 'path.id');
      // Bytes that are not UTF-8 (an encoded lone surrogate) never reach the database as a broken string.
      expect((await send('GET', '/api/v1/sessions?consumer_id=%ED%A0%80')).status).toBeLessThan(500);
    });
  });

  describe('dates are bounded', () => {
    it.each(['start_date=0000-01-01', 'end_date=9999-12-31', 'start_date=1969-12-31', 'end_date=2026-02-30'])(
      '%s is 400',
      async (query) => {
        expectRejected(await send('GET', `/api/v1/costs?${query}`), `query.${query.split('=')[0]}`);
      },
    );
    it('the bounds themselves are accepted', async () => {
      const result = await send('GET', '/api/v1/costs?start_date=1970-01-01&end_date=2999-12-31&period=monthly');
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      validator.check('getCosts', { ...result, contentType: result.headers.get('content-type') });
    });
  });

  describe('only plain decimal integers are integers in query strings', () => {
    it.each(['limit=0x10', 'limit=1e2', 'limit=%205', 'limit=5%20', 'offset=1.0', 'offset=', 'offset=%2B1'])(
      '%s is 400',
      async (query) => {
        expectRejected(await send('GET', `/api/v1/models?${query}`), `query.${query.split('=')[0]}`);
      },
    );
    it('plain decimals are accepted, for integers and numbers', async () => {
      expect((await send('GET', '/api/v1/models?limit=16&offset=0')).status).toBe(200);
      expect((await send('GET', '/api/v1/inventory?max_price=0.5&min_reliability=.9&min_vram=8')).status).toBe(200);
      expectRejected(await send('GET', '/api/v1/inventory?max_price=0x1'), 'query.max_price');
    });
  });

  it('POST /models with a form-urlencoded body is 415 like every other wrong content type', async () => {
    const result = await send('POST', '/api/v1/models', {
      raw: 'name=x',
      type: 'application/x-www-form-urlencoded',
    });
    expect(result.status, JSON.stringify(result.body)).toBe(415);
    expect(errorOf(result.body).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  describe('methods a path does not define are 405 with Allow, in the area error format', () => {
    it('GET and DELETE /inference/batch are 405, not read as a job id', async () => {
      for (const method of ['GET', 'DELETE', 'PUT']) {
        const result = await send(method, '/api/v1/inference/batch');
        expect(result.status, JSON.stringify(result.body)).toBe(405);
        expect(result.headers.get('allow')).toBe('OPTIONS, POST');
        expect(errorOf(result.body).code).toBe('METHOD_NOT_ALLOWED');
      }
    });

    it('every spec path answers 405 with Allow for each method it does not define', async () => {
      const byPath = new Map<string, Set<string>>();
      for (const op of validator.operations) {
        const set = byPath.get(op.path) ?? new Set<string>();
        set.add(op.method.toUpperCase());
        byPath.set(op.path, set);
      }
      for (const [path, methods] of byPath) {
        const url = path
          .replace(
            '{id}',
            path.includes('/sessions/')
              ? 'sess-missing0'
              : path.includes('/api-keys/')
                ? 'key_missing0'
                : path.includes('/inventory/')
                  ? 'local-missing'
                  : modelId,
          )
          .replace('{jobId}', jobId)
          .replace('{file}', 'models.yaml')
          .replace('{hash_id}', 'missing');
        const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS'].sort().join(', ');
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !methods.has(m))) {
          const result = await send(method, url, { admin: path.includes('/admin/') });
          expect(result.status, `${method} ${path}: ${JSON.stringify(result.body)}`).toBe(405);
          expect(result.headers.get('allow'), `${method} ${path}`).toBe(allow);
          expect(errorOf(result.body).code).toBe('METHOD_NOT_ALLOWED');
          if (path.startsWith('/api/v1/sessions') || path.startsWith('/api/v1/costs')) {
            expect(typeof (result.body as { error: unknown }).error).toBe('string');
          }
        }
        const options = await send('OPTIONS', url, { anonymous: true });
        expect(options.status, `OPTIONS ${path}`).toBe(204);
        expect(options.headers.get('allow')).toBe(allow);
      }
    });

    it('HEAD is answered wherever GET is', async () => {
      const head = await fetch(`${suite.server.baseUrl}/api/v1/models`, {
        method: 'HEAD',
        headers: { 'X-API-Key': suite.server.keyA },
      });
      expect(head.status).toBe(200);
    });
  });
});
