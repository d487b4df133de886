/**
 * The mock's typed overrides, one openapi-msw `createOpenApiHttp` per area (packages/mock/src/generated/
 * typed-http.ts), typed with that area's `paths` from `@computeplane/sdk/types/<area>`. typedHttp() in
 * packages/mock/src/typed-overrides.ts returns this map, so a new spec file needs no edit of the mock.
 */
import { GENERATED_BANNER } from './banner.js';

const key = (area: string) => (/^[A-Za-z_$][\w$]*$/.test(area) ? area : JSON.stringify(area));
const typeName = (area: string) => `${area.replace(/(^|[-_])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}Paths`;

export function renderMockTypedHttp(areas: string[]): string {
  return `${GENERATED_BANNER('openapi/*.yaml')}import { createOpenApiHttp } from 'openapi-msw';
${areas.map((area) => `import type { paths as ${typeName(area)} } from '@computeplane/sdk/types/${area}';`).join('\n')}

/** One typed msw \`http\` per area: paths, params and response bodies are checked against that area's spec. */
export function createTypedHttp(options: { baseUrl: string }) {
  return {
${areas.map((area) => `    ${key(area)}: createOpenApiHttp<${typeName(area)}>(options),`).join('\n')}
  };
}
`;
}
