/** A body type the operation does not declare is 415, for multipart operations as for JSON ones. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from './app-env.js';
import { declaredContentTypes } from './content-types.js';
import { onError } from './error-handler.js';

function send(declared: string[], contentType: string | undefined) {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.post('/x', declaredContentTypes(declared), (c) => c.text('ok'));
  // A string body without a header would be sent as text/plain, so "no Content-Type" sends no body.
  return app.request('/x', {
    method: 'POST',
    ...(contentType ? { body: 'a=1', headers: { 'Content-Type': contentType } } : {}),
  });
}

describe('declaredContentTypes', () => {
  it('form-urlencoded to a multipart operation is 415', async () => {
    const response = await send(['multipart/form-data'], 'application/x-www-form-urlencoded');
    expect(response.status).toBe(415);
    const error = ((await response.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(error.message).toContain('send multipart/form-data');
  });

  it('accepts the declared types with parameters and any case, and +json for JSON', async () => {
    expect((await send(['multipart/form-data'], 'Multipart/Form-Data; boundary=x')).status).toBe(200);
    expect((await send(['application/json'], 'application/json; charset=utf-8')).status).toBe(200);
    expect((await send(['application/json'], 'application/merge-patch+json')).status).toBe(200);
    expect((await send(['application/json'], 'text/plain')).status).toBe(415);
  });

  it('leaves a request without Content-Type to the validators', async () => {
    expect((await send(['application/json'], undefined)).status).toBe(200);
  });
});
