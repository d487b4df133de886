/**
 * Every operation of every `openapi/*.yaml`, read from the bundled specs (scripts/lib/specs.ts) with what
 * the fuzzer needs: parameters resolved, the request body's media type and schema, the credentials its
 * `security` accepts, and the documented statuses. A new area is fuzzed with no change here.
 */
import { bundleAll, type OpenApiDocument } from '../../scripts/lib/specs.js';
import { resolveRef, type Schema } from './schema-arbitrary.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface FuzzOperation {
  area: string;
  operationId: string;
  method: string;
  path: string;
  /** The area's bundled document: the root of the schemas' `#/components/...` references. */
  doc: OpenApiDocument;
  parameters: Parameter[];
  body?: {
    mediaType: string;
    schema: Schema;
    required: boolean;
    examples: unknown[];
    encoding: Record<string, string>;
  };
  /** Security scheme names, one list per alternative; empty when the operation needs no credential. */
  security: string[][];
  statuses: string[];
}

export async function loadOperations(): Promise<FuzzOperation[]> {
  const docs = await bundleAll();
  const operations: FuzzOperation[] = [];
  for (const [area, doc] of Object.entries(docs)) {
    for (const [path, item] of Object.entries(doc.paths) as [string, Record<string, unknown>][]) {
      const shared = (item.parameters as unknown[] | undefined) ?? [];
      for (const method of HTTP_METHODS) {
        const op = item[method] as Record<string, unknown> | undefined;
        if (!op) continue;
        const security = (op.security ?? doc.security ?? []) as Record<string, string[]>[];
        operations.push({
          area,
          operationId: op.operationId as string,
          method,
          path,
          doc,
          parameters: [...shared, ...((op.parameters as unknown[]) ?? [])].map((p) => resolveParameter(doc, p)),
          ...bodyOf(doc, op.requestBody),
          security: security.map((alternative) => Object.keys(alternative)),
          statuses: Object.keys(op.responses as object),
        });
      }
    }
  }
  return operations;
}

function resolveParameter(doc: OpenApiDocument, parameter: unknown): Parameter {
  const resolved = resolveRef(parameter as Schema, doc) as Record<string, unknown>;
  return {
    name: resolved.name as string,
    in: resolved.in as Parameter['in'],
    required: Boolean(resolved.required),
    schema: (resolved.schema ?? true) as Schema,
  };
}

function bodyOf(doc: OpenApiDocument, requestBody: unknown): Pick<FuzzOperation, 'body'> {
  if (!requestBody) return {};
  const body = resolveRef(requestBody as Schema, doc) as { required?: boolean; content?: Record<string, unknown> };
  const [mediaType, media] = Object.entries(body.content ?? {})[0] ?? [];
  if (!mediaType) return {};
  const { schema, example, examples, encoding } = media as {
    schema?: Schema;
    example?: unknown;
    examples?: Record<string, unknown>;
    encoding?: Record<string, { contentType?: string }>;
  };
  const listed = Object.values(examples ?? {}).map(
    (entry) => (resolveRef(entry as Schema, doc) as { value?: unknown }).value,
  );
  return {
    body: {
      mediaType,
      schema: schema ?? true,
      required: Boolean(body.required),
      examples: [...(example !== undefined ? [example] : []), ...listed].filter((value) => value !== undefined),
      encoding: Object.fromEntries(
        Object.entries(encoding ?? {}).flatMap(([name, entry]) =>
          entry.contentType ? [[name, entry.contentType]] : [],
        ),
      ),
    },
  };
}

/** The paths of the specs and the methods each documents (`GET`, `POST`, ...). */
export function methodsByPath(operations: FuzzOperation[]): Map<string, { ops: FuzzOperation[]; methods: string[] }> {
  const byPath = new Map<string, { ops: FuzzOperation[]; methods: string[] }>();
  for (const op of operations) {
    const entry = byPath.get(op.path) ?? { ops: [], methods: [] };
    entry.ops.push(op);
    entry.methods.push(op.method.toUpperCase());
    byPath.set(op.path, entry);
  }
  return byPath;
}
