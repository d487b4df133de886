/** The request pipeline every generated call uses, driven through a scripted fetch. */
import { describe, expect, it } from 'vitest';
import { getModel, listModels, updateModelSchema } from '../generated/models.operations.js';
import { uploadModel } from '../lib/models-upload.js';
import { createClient, type ClientOptions } from '../core/client.js';
import {
  AbortedError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
} from '../core/errors.js';
import { unwrap } from '../core/unwrap.js';

const model = { id: 'model_abcd', name: 'm' };
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': `req_${status}`, ...headers },
  });
const envelope = (code: string, message = 'nope') => ({ error: { code, message, request_id: 'req_body' } });

function scripted(
  responses: (Response | Error | ((request: Request) => Promise<Response>))[],
  options: ClientOptions = {},
) {
  const requests: Request[] = [];
  const bodies: string[] = [];
  const client = createClient({
    baseUrl: 'http://api.test/',
    apiKey: 'cp_live_key',
    ...options,
    fetch: async (input) => {
      const request = input as Request;
      requests.push(request);
      bodies.push(await request.clone().text());
      const next = responses.shift();
      if (!next) throw new Error('no scripted response left');
      if (next instanceof Error) throw next;
      return typeof next === 'function' ? next(request) : next;
    },
  });
  return { client, requests, bodies };
}

describe('send', () => {
  it('sends the API key and returns typed data with the request id', async () => {
    const { client, requests } = scripted([json(200, model)]);
    const result = await getModel(client, { params: { path: { id: 'model_abcd' } } });
    expect(result.data).toEqual(model);
    expect(result.requestId).toBe('req_200');
    expect(requests[0]!.url).toBe('http://api.test/api/v1/models/model_abcd');
    expect(requests[0]!.headers.get('x-api-key')).toBe('cp_live_key');
  });

  it('can send the key as a bearer token instead', async () => {
    const { client, requests } = scripted([json(200, model)], { authStyle: 'bearer' });
    await getModel(client, { params: { path: { id: 'model_abcd' } } });
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer cp_live_key');
    expect(requests[0]!.headers.has('x-api-key')).toBe(false);
  });

  it.each([
    [400, 'VALIDATION_ERROR', 'BadRequestError'],
    [401, 'AUTH_REQUIRED', AuthenticationError.name],
    [404, 'NOT_FOUND', NotFoundError.name],
    [409, 'CONFLICT', ConflictError.name],
    [422, 'VALIDATION_ERROR', 'UnprocessableEntityError'],
    [403, 'FORBIDDEN', 'PermissionDeniedError'],
  ])('maps %i to its error class with code, message and request id', async (status, code, name) => {
    const { client } = scripted([json(status, envelope(code, 'what to fix'))]);
    const { error } = await getModel(client, { params: { path: { id: 'model_abcd' } } });
    expect(error?.name).toBe(name);
    expect(error).toMatchObject({
      status,
      code,
      requestId: 'req_body',
      message: expect.stringContaining('what to fix'),
    });
  });

  it('retries GETs on 503 and 429, honouring Retry-After, then succeeds', async () => {
    const { client, requests } = scripted([
      json(503, envelope('INTERNAL_ERROR'), { 'Retry-After': '0' }),
      json(429, envelope('RATE_LIMITED'), { 'Retry-After-Ms': '5' }),
      json(200, model),
    ]);
    const result = await getModel(client, { params: { path: { id: 'model_abcd' } } });
    expect(result.data).toEqual(model);
    expect(requests).toHaveLength(3);
  });

  it('gives up after maxRetries with the last error', async () => {
    const { client, requests } = scripted(
      [0, 1, 2].map(() => json(429, envelope('RATE_LIMITED'), { 'Retry-After': '0' })),
      { maxRetries: 2 },
    );
    const { error } = await listModels(client);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(requests).toHaveLength(3);
  });

  it('retries a POST with the same idempotency key and the same body on every attempt', async () => {
    const { client, requests, bodies } = scripted([
      new TypeError('fetch failed'),
      json(500, envelope('INTERNAL_ERROR'), { 'Retry-After': '0' }),
      json(201, model),
    ]);
    const result = await uploadModel(
      client,
      { model: new Uint8Array([1, 2, 3]), name: 'm', labels: ['a'] },
      { maxRetries: 3 },
    );
    expect(result.data).toEqual(model);
    const keys = requests.map((request) => request.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('name="labels"');
  });

  it('uses a new idempotency key for each logical request, or the caller’s', async () => {
    const { client, requests } = scripted([json(201, model), json(201, model), json(201, model)]);
    await uploadModel(client, { model: new Uint8Array([1]) });
    await uploadModel(client, { model: new Uint8Array([1]) });
    await uploadModel(client, { model: new Uint8Array([1]) }, { idempotencyKey: 'mine' });
    const keys = requests.map((request) => request.headers.get('idempotency-key'));
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('mine');
  });

  it('never repeats a PATCH (not idempotent, no key)', async () => {
    const { client, requests } = scripted([
      json(503, envelope('INTERNAL_ERROR'), { 'Retry-After': '0' }),
      json(200, model),
    ]);
    const { error } = await updateModelSchema(client, {
      params: { path: { id: 'model_abcd' } },
      body: { labels: null },
    });
    expect(error).toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it('reports connection failures as ConnectionError after retrying', async () => {
    const { client, requests } = scripted([new TypeError('fetch failed'), new TypeError('fetch failed')], {
      maxRetries: 1,
    });
    const started = Date.now();
    const { error } = await listModels(client);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('times out each attempt with TimeoutError', async () => {
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason)),
      );
    const { client } = scripted([hang], { timeoutMs: 50, maxRetries: 0 });
    const { error } = await listModels(client);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error?.message).toMatch(/timed out after 50 ms/);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const controller = new AbortController();
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason)),
      );
    const { client, requests } = scripted([hang, json(200, model)], { maxRetries: 3 });
    setTimeout(() => controller.abort(), 20);
    const { error } = await listModels(client, {}, { signal: controller.signal });
    expect(error).toBeInstanceOf(AbortedError);
    expect(requests).toHaveLength(1);
  });

  it('unwrap returns data or throws the typed error', async () => {
    const { client } = scripted([json(200, model), json(404, envelope('NOT_FOUND'))]);
    await expect(unwrap(getModel(client, { params: { path: { id: 'model_abcd' } } }))).resolves.toEqual(model);
    await expect(unwrap(getModel(client, { params: { path: { id: 'model_abcd' } } }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('rejects nonsense client options up front', () => {
    expect(() => createClient({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createClient({ maxRetries: -1 })).toThrow(/maxRetries/);
  });
});
