/**
 * SDK operations: one standalone, tree-shakable function per operation, calling openapi-fetch through
 * the SDK internals (auth, retries, timeouts, idempotency keys, typed errors). Multipart operations are
 * left to hand-written helpers in packages/sdk/src/lib/, which turn paths, Buffers, Blobs and streams into
 * form data; the generated file names them so a missing helper is noticed.
 */
import type { OpenApiDocument } from '../lib/specs.js';
import { GENERATED_BANNER } from './banner.js';
import { listOperations, type OperationInfo } from './server-routes.js';

const needsInit = ({ operation }: OperationInfo) =>
  (operation.parameters ?? []).some((param) => param.required && (param.in === 'path' || param.in === 'query')) ||
  operation.requestBody?.required === true;

const isMultipart = ({ operation }: OperationInfo) =>
  Object.keys(operation.requestBody?.content ?? {}).includes('multipart/form-data');

/** How openapi-fetch reads the success body: binary files as an ArrayBuffer, other non-JSON as text. */
const parseAs = ({ operation }: OperationInfo) => {
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))?.[1];
  const types = Object.keys(success?.content ?? {});
  if (types.length === 0 || types.some((type) => type.includes('json'))) return '';
  return types.includes('application/octet-stream')
    ? `, parseAs: 'arrayBuffer' as const`
    : `, parseAs: 'text' as const`;
};

function renderOperation(info: OperationInfo): string {
  const { operationId, method, path, operation } = info;
  const initType = `InitOf<paths, ${JSON.stringify(path)}, ${JSON.stringify(method)}>`;
  const init = needsInit(info) ? `init: ${initType}` : `init: ${initType} = {}`;
  const extra = parseAs(info);
  return `/** ${operation.summary ?? operationId} (${method.toUpperCase()} ${path}). */
export function ${operationId}(client: Computeplane, ${init}, options?: RequestOptions) {
  return send(client, options, (fetchOptions) =>
    api(client).${method.toUpperCase()}(${JSON.stringify(path)}, { ...init, ...fetchOptions${extra} } as never) as Promise<
      FetchResponse<paths[${JSON.stringify(path)}][${JSON.stringify(method)}], ${initType}, \`\${string}/\${string}\`>
    >,
  );
}`;
}

export function renderSdkOperations(area: string, doc: OpenApiDocument): string {
  const operations = listOperations(doc);
  const generated = operations.filter((op) => !isMultipart(op));
  const handWritten = operations.filter(isMultipart).map((op) => op.operationId);
  const schemaNames = Object.keys(doc.components?.schemas ?? {}).sort();
  return `${GENERATED_BANNER(`openapi/${area}.yaml`)}import type { FetchResponse } from 'openapi-fetch';
import { areaClient, send, type Computeplane, type InitOf, type RequestOptions } from '../internal/index.js';
import type { components, paths } from './${area}.js';
${handWritten.length ? `\n// Multipart operations written by hand in src/lib/: ${handWritten.join(', ')}\n` : ''}
const api = (client: Computeplane) => areaClient<paths>(client, ${JSON.stringify(area)});

${generated.map(renderOperation).join('\n\n')}

${schemaNames.map((name) => `export type ${name} = components['schemas'][${JSON.stringify(name)}];`).join('\n')}
`;
}
