/**
 * The bundled specs as data inside the server package, so `/openapi/{area}.yaml` and `/openapi.json`
 * (merged from them at run time) serve exactly the documents the routes were generated from.
 */
import type { OpenApiDocument } from '../lib/specs.js';
import { GENERATED_BANNER } from './banner.js';

export function renderServerSpecs(docs: Record<string, OpenApiDocument>): string {
  return `${GENERATED_BANNER('openapi/*.yaml')}import type { OpenApiDocument } from '../platform/http/openapi-document.js';

/** Each area's bundled spec, keyed by area name. */
export const areaSpecs: Record<string, OpenApiDocument> = ${JSON.stringify(docs, null, 2)};
`;
}
