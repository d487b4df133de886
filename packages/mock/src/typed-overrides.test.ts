/** typedHttp() has an entry per spec file; gpuErrorBody() suggests a retry exactly for the spec's retryable types. */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RETRYABLE_GPU_ERROR_TYPES } from '@computeplane/sdk';
import { gpuErrorBody, typedHttp } from './typed-overrides.js';

const specsDir = fileURLToPath(new URL('../../../openapi/', import.meta.url));

describe('typed overrides', () => {
  it('typedHttp() has one typed http per openapi/<area>.yaml', () => {
    const areas = readdirSync(specsDir)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => file.replace(/\.yaml$/, ''));
    const http = typedHttp('http://example.test/');
    expect(Object.keys(http).sort()).toEqual(areas.sort());
    expect(typeof http.offers.get).toBe('function');
  });

  it('gpuErrorBody() sets retry_suggested from RETRYABLE_GPU_ERROR_TYPES, unless extra says otherwise', () => {
    for (const type of RETRYABLE_GPU_ERROR_TYPES) expect(gpuErrorBody(type, 'm').retry_suggested).toBe(true);
    expect(gpuErrorBody('not_found', 'm')).toEqual({
      error: 'm',
      request_id: 'req_mock',
      error_type: 'not_found',
      retry_suggested: false,
    });
    expect(gpuErrorBody('stale_inventory', 'gone', { offer_id: 'local-x', retry_suggested: false })).toMatchObject({
      retry_suggested: false,
      offer_id: 'local-x',
    });
  });
});
