/**
 * All API areas merged into one OpenAPI document (served at /openapi.json), computed from the bundled area
 * specs rather than stored twice. Codegen calls it too, so a clash between areas fails at generation time.
 */
import type { OpenApiDocument } from './openapi-document.js';

/**
 * All areas merged into one document (served at /openapi.json). Component names are unique across
 * areas by convention; a clash with a different definition is an error rather than a silent overwrite.
 */
export function mergeAreas(docs: Record<string, OpenApiDocument>, version: string): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Computeplane API',
      version,
      description: 'All Computeplane areas in one document. Each area is also served alone at /openapi/{area}.yaml.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'http://localhost:8080', description: 'Local server (`npm start`)' }],
    tags: [],
    paths: {},
    components: {},
  };
  for (const [area, doc] of Object.entries(docs)) {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (merged.paths[path]) throw new Error(`path ${path} is defined by more than one area (${area})`);
      // Area-level default security is made explicit per operation so that merging keeps it.
      const withSecurity = Object.fromEntries(
        Object.entries(item).map(([method, op]) =>
          typeof op === 'object' && op !== null && !Array.isArray(op) && 'operationId' in op
            ? [method, { security: doc.security ?? [], ...op }]
            : [method, op],
        ),
      );
      merged.paths[path] = withSecurity;
    }
    for (const tag of doc.tags ?? []) if (!merged.tags!.some((t) => t.name === tag.name)) merged.tags!.push(tag);
    for (const [section, entries] of Object.entries(doc.components ?? {})) {
      const target = (merged.components![section] ??= {});
      for (const [name, value] of Object.entries(entries)) {
        if (name in target && JSON.stringify(target[name]) !== JSON.stringify(value)) {
          throw new Error(`components.${section}.${name} differs between areas (clash in ${area})`);
        }
        target[name] = value;
      }
    }
  }
  return merged;
}
