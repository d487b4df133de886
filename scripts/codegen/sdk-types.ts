/**
 * SDK types: openapi-typescript turns each bundled area spec into `paths`, `components` and
 * `operations` types in packages/sdk/src/generated/{area}.ts.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenApiDocument } from '../lib/specs.js';
import { GENERATED_BANNER } from './banner.js';

export async function renderSdkTypes(area: string, doc: OpenApiDocument): Promise<string> {
  const ast = await openapiTS(doc as never, {
    alphabetize: false,
    exportType: false,
    rootTypes: false,
    // A field with a default may be left out of a request: it must stay optional in the types.
    defaultNonNullable: false,
  });
  return `${GENERATED_BANNER(`openapi/${area}.yaml`)}${astToString(ast)}`;
}
