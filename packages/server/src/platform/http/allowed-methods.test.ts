/** 405 with Allow, OPTIONS and HEAD per spec path, and static segments before parameters, on a real Hono app. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { allowedMethods, allowHeader, bySpecificity } from './allowed-methods.js';
import type { AppEnv } from './app-env.js';
import { onError } from './error-handler.js';

const routes = [
  { method: 'post', path: '/jobs/batch' },
  { method: 'get', path: '/jobs/{id}' },
  { method: 'delete', path: '/jobs/{id}' },
  { method: 'get', path: '/jobs/{id}/{part}' },
];

function app() {
  const hono = new Hono<AppEnv>();
  hono.onError(onError);
  hono.use('*', allowedMethods(routes));
  hono.get('/jobs/:id', (c) => c.text(`job ${c.req.param('id')}`));
  hono.delete('/jobs/:id', (c) => c.text('deleted'));
  hono.post('/jobs/batch', (c) => c.text('batch'));
  hono.get('/jobs/:id/:part', (c) => c.text('part'));
  return (method: string, path: string) => hono.request(path, { method });
}

describe('allowedMethods', () => {
  it('a static path is never read as a parameter of another path', async () => {
    const send = app();
    const get = await send('GET', '/jobs/batch');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('OPTIONS, POST');
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    expect((await send('DELETE', '/jobs/batch')).status).toBe(405);
    expect(await (await send('POST', '/jobs/batch')).text()).toBe('batch');
    expect(await (await send('GET', '/jobs/j1')).text()).toBe('job j1');
  });

  it('undefined methods are 405 with Allow; OPTIONS is 204 with Allow; HEAD goes where GET does', async () => {
    const send = app();
    const put = await send('PUT', '/jobs/j1');
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS');
    const options = await send('OPTIONS', '/jobs/j1/a');
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await send('HEAD', '/jobs/j1')).status).toBe(200);
    expect((await send('HEAD', '/jobs/batch')).status).toBe(405);
  });

  it('leaves paths outside the specs to the router (404 stays 404)', async () => {
    expect((await app()('GET', '/elsewhere')).status).toBe(404);
    expect((await app()('PUT', '/jobs')).status).toBe(404);
  });

  it('orders paths static first, segment by segment', () => {
    expect(['/a/{x}/c', '/a/{x}/{y}', '/a/b/{y}', '/a/b/c'].sort(bySpecificity)).toEqual([
      '/a/b/c',
      '/a/b/{y}',
      '/a/{x}/c',
      '/a/{x}/{y}',
    ]);
    expect(allowHeader(['POST'])).toBe('OPTIONS, POST');
  });
});
