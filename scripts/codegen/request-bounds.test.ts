/** The generator's rule that every request integer and date is bounded, on the real specs and on a made-up one. */
import { describe, expect, it } from 'vitest';
import { bundleAll, type OpenApiDocument } from '../lib/specs.js';
import { unboundedRequestValues } from './request-bounds.js';

describe('unboundedRequestValues', () => {
  it('finds nothing unbounded in openapi/', async () => {
    for (const [area, doc] of Object.entries(await bundleAll()))
      expect(unboundedRequestValues(doc), `openapi/${area}.yaml`).toEqual([]);
  });

  it('reports each unbounded integer or date of a request, at any depth and through $refs', () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/things/{n}': {
          parameters: [{ name: 'n', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } }],
          post: {
            operationId: 'makeThing',
            parameters: [
              { name: 'day', in: 'query', schema: { type: 'string', format: 'date' } },
              { name: 'ok', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 9 } },
            ],
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
            },
            responses: {
              '200': { description: 'ok', content: { 'application/json': { schema: { type: 'integer' } } } },
            },
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: 'object',
            properties: {
              dims: { type: 'array', items: { type: ['integer', 'null'], maximum: 5 } },
              nested: {
                oneOf: [{ type: 'object', additionalProperties: { type: 'integer', minimum: 0, maximum: 1 } }],
              },
              self: { $ref: '#/components/schemas/Thing' },
            },
          },
        },
      },
    } as unknown as OpenApiDocument;
    expect(unboundedRequestValues(doc).sort()).toEqual([
      'makeThing body(application/json)(Thing).dims[]: integer without minimum',
      'makeThing path.n: integer without maximum',
      'makeThing query.day: date without x-format-maximum',
      'makeThing query.day: date without x-format-minimum',
    ]);
  });
});
